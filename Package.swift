// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "HookRules",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hookrules", targets: ["HookRulesCLI"]),
        .executable(name: "hookrules-bench", targets: ["HookRulesBenchmarks"]),
        .library(name: "HookModel", targets: ["HookModel"]),
        .library(name: "HookRules", targets: ["HookRules"]),
        .library(name: "HookRulesConfig", targets: ["HookRulesConfig"]),
        .library(name: "HookRulesTesting", targets: ["HookRulesTesting"]),
        .library(name: "HookCapture", targets: ["HookCapture"]),
        .library(name: "HookQueue", targets: ["HookQueue"]),
        .library(name: "HookQueueSQLite", targets: ["HookQueueSQLite"]),
        .library(name: "HookBulk", targets: ["HookBulk"]),
        .library(name: "HookWorker", targets: ["HookWorker"]),
        .library(name: "HookQueuePostgres", targets: ["HookQueuePostgres"]),
        .library(name: "HookQueueLocation", targets: ["HookQueueLocation"]),
        .library(name: "HookIntake", targets: ["HookIntake"]),
        .library(name: "HookServer", targets: ["HookServer"]),
        .library(name: "HookSignatures", targets: ["HookSignatures"]),
        .executable(name: "hookrules-queue-bench", targets: ["HookQueueBenchmarks"]),
        .executable(name: "hookrules-intake-bench", targets: ["HookIntakeBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Subscriptions and rule fixtures are YAML written by hand: comments, and errors with line numbers.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // The workers' HTTP target.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        // Already under async-http-client; the tests' loopback HTTP target is written on it directly.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // SHA-256 names a bulk file's import; HMAC and ECDSA verify webhook signatures; postgres-nio depends on it too.
        .package(url: "https://github.com/apple/swift-crypto", "3.9.0"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
        // The intake server: HTTP, graceful start/stop, metrics in Prometheus' text format.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // Property-based tests (Swift Testing): signature round trips and tamper detection over generated bodies.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Debian's Lua 5.4 headers and library, nothing else.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // What Swift cannot import (function-like macros, LUA_REGISTRYINDEX) or must not do (raise a Lua error:
        // a longjmp must never cross a Swift frame). Prefixed `hr_`, no decisions of its own.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        // Debian's libxml2 headers and library: XML bodies are parsed by its SAX2 push parser, configured to refuse
        // DTDs and entities (FoundationXML's XMLParser always substitutes entities and recovers from errors).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // The only module that touches the Lua C API: sandbox, limits, body decoding, values, the state pool. Its
        // sandbox is Lua (Sandbox.lua), embedded at build time.
        .target(name: "LuaRuntime", dependencies: ["CLua", "CLuaShim", "CLibXML2"], plugins: ["EmbedLuaSources"]),
        // The host's Lua lives in .lua files (linted, read by Lua tooling) and is compiled into the binary as Swift
        // string literals, so `hookrules` needs no resource beside it: the plugin runs the embedder on a target's
        // .lua files.
        .plugin(name: "EmbedLuaSources", capability: .buildTool(), dependencies: ["LuaSourceEmbedder"]),
        .executableTarget(name: "LuaSourceEmbedder"),
        // The domain every other module speaks: Hook, Scope, TransferRequest, Subscription, outcomes. Standard
        // library and Foundation only, so queue, workers and bulk build without Lua.
        .target(name: "HookModel"),
        // The rule engine: rule files compiled and checked (RuleBook), hooks run through them (RuleEngine). The rule
        // API is Lua (RuleLanguage.lua), embedded at build time.
        .target(name: "HookRules", dependencies: ["HookModel", "LuaRuntime"], plugins: ["EmbedLuaSources"]),
        // Configuration read from YAML: the subscriptions file, and a rules folder loaded with its subscriptions.
        .target(name: "HookRulesConfig", dependencies: ["HookModel", "HookRules", "HookSignatures", "LuaRuntime", "Yams"]),
        // Captured hooks on disk (a body with its headers, or a capture envelope), for replay, fixtures and intake.
        .target(name: "HookCapture", dependencies: ["HookModel"]),
        // Rule fixtures (golden cases next to the rules) and coverage of the rule files.
        .target(
            name: "HookRulesTesting",
            dependencies: ["HookModel", "HookRules", "HookRulesConfig", "HookCapture", "LuaRuntime", "Yams"]
        ),
        // The dispatch queue's backend-neutral types and the one protocol every backend implements.
        .target(name: "HookQueue", dependencies: ["HookModel"]),
        // The embedded default backend: one SQLite file under a data folder, through GRDB.
        .target(
            name: "HookQueueSQLite",
            dependencies: [
                "HookModel", "HookQueue", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The shared backend: PostgreSQL through postgres-nio's connection pool, LISTEN/NOTIFY for wake-ups. The pool's
        // module only for its error type, which postgres-nio throws as it is (an outage must be told from a bug).
        .target(
            name: "HookQueuePostgres",
            dependencies: [
                "HookModel", "HookQueue", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                // Its connection errors, to say which address refused and why.
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Opens the queue a location names: a folder (SQLite) or a postgres:// URL.
        .target(name: "HookQueueLocation", dependencies: ["HookQueue", "HookQueueSQLite", "HookQueuePostgres"]),
        // Bulk sync: CSV rows of ids → validated transfer requests, enqueued in batches with a resumable checkpoint.
        .target(
            name: "HookBulk",
            dependencies: [
                "HookModel", "HookQueue",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Workers: claim requests, hand them to a processor (an HTTP target by default), settle them, fan out.
        .target(
            name: "HookWorker",
            dependencies: [
                "HookModel", "HookQueue", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The intake pipeline without HTTP: authenticate, run the rule, group-commit requests or the kept hook.
        .target(
            name: "HookIntake",
            dependencies: [
                "HookModel", "HookRules", "HookQueue", "HookCapture", "HookSignatures",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // `hookrules serve`'s HTTP side on Hummingbird: routes, health, metrics, graceful stop.
        .target(
            name: "HookServer",
            dependencies: [
                "HookModel", "HookIntake", "HookQueue", "HookRulesConfig", "HookSignatures", "HookWorker",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Webhook authentication: each provider's signature scheme (verify and sign), Bearer keys, secrets.
        .target(
            name: "HookSignatures",
            dependencies: ["HookModel", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // `hookrules`: parses arguments, calls the modules above, prints; no decisions of its own.
        .executableTarget(
            name: "HookRulesCLI",
            dependencies: [
                "HookModel", "HookRules", "HookRulesConfig", "HookRulesTesting", "HookCapture", "HookQueue",
                "HookQueueLocation", "HookBulk", "HookWorker", "HookServer", "HookSignatures", "HookIntake",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "HookRulesBenchmarks",
            dependencies: ["LuaRuntime", "HookModel", "HookRules", "HookRulesConfig", "HookCapture"]
        ),
        // `hookrules-queue-bench`: each queue beside plain SQL on the same database (SQLite's C API, or PostgreSQL
        // through postgres-nio), in the same run.
        .executableTarget(
            name: "HookQueueBenchmarks",
            dependencies: [
                "HookModel", "HookQueue", "HookQueueSQLite", "HookQueuePostgres",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `hookrules-intake-bench`: wrk posting the bundled captures, signed, to the built `hookrules serve` (SQLite,
        // PostgreSQL) and to a bare Hummingbird endpoint, in the same run.
        .executableTarget(
            name: "HookIntakeBenchmarks",
            dependencies: [
                "HookModel", "HookRules", "HookRulesConfig", "HookCapture", "HookSignatures", "HookQueuePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "LuaRuntimeTests", dependencies: ["LuaRuntime"]),
        .testTarget(name: "HookModelTests", dependencies: ["HookModel"]),
        .testTarget(name: "HookCaptureTests", dependencies: ["HookCapture"]),
        // A rule loaded from source with one subscription, and the bundled samples: shared by the rule tests.
        .target(name: "RuleTestSupport", dependencies: ["HookModel", "HookRules", "LuaRuntime"], path: "Tests/RuleTestSupport"),
        .testTarget(
            name: "HookRulesTests",
            dependencies: ["HookModel", "HookRules", "HookRulesConfig", "HookCapture", "LuaRuntime", "RuleTestSupport"]
        ),
        .testTarget(name: "HookRulesConfigTests", dependencies: ["HookModel", "HookRules", "HookRulesConfig", "LuaRuntime"]),
        .testTarget(
            name: "HookRulesTestingTests",
            dependencies: [
                "HookModel", "HookRules", "HookRulesConfig", "HookRulesTesting", "HookCapture", "LuaRuntime",
                "RuleTestSupport",
            ]
        ),
        // Runs the built `hookrules` executable; the dependency makes `swift test` build it first. `serve` is
        // driven over loopback HTTP with requests signed as the providers sign them, and its queue read back.
        .testTarget(
            name: "HookRulesCLITests",
            dependencies: [
                "HookRulesCLI", "HookModel", "HookQueue", "HookQueueSQLite", "HookQueueLocation", "HookSignatures",
                "LoopbackTarget", "ScratchMount", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "HookSignaturesTests",
            dependencies: [
                "HookModel", "HookSignatures", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "HookBulkTests", dependencies: ["HookModel", "HookBulk", "HookQueue", "HookQueueSQLite"]),
        // A real HTTP server on loopback that records what it receives: the workers' target in tests.
        .target(
            name: "LoopbackTarget",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/LoopbackTarget"
        ),
        // A tmpfs of the test's own: a full disk, a read-only one.
        .target(name: "ScratchMount", path: "Tests/ScratchMount"),
        .testTarget(
            name: "HookWorkerTests",
            dependencies: ["HookModel", "HookWorker", "HookQueue", "HookQueueSQLite", "LoopbackTarget"]
        ),
        // One contract suite run against every queue backend, plus backend-specific checks.
        .testTarget(
            name: "HookQueueTests",
            dependencies: [
                "HookModel", "HookQueue", "HookQueueSQLite", "HookQueuePostgres", "HookQueueLocation", "ScratchMount",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HookServerTests",
            dependencies: [
                "HookModel", "HookServer", "HookIntake", "HookQueue", "HookQueueSQLite", "HookRules", "HookSignatures",
                "HookCapture", "LuaRuntime",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The module graph as docs/architecture.md draws it: read from `swift package describe` (scripts/test.sh).
        .testTarget(name: "ArchitectureTests"),
    ],
    swiftLanguageModes: [.v6]
)
