// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "HookRules",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hookrules", targets: ["HookRulesCLI"]),
        .executable(name: "hookrules-bench", targets: ["HookRulesBenchmarks"]),
        .library(name: "HookRules", targets: ["HookRules"]),
        .library(name: "HookQueue", targets: ["HookQueue"]),
        .library(name: "HookQueueSQLite", targets: ["HookQueueSQLite"]),
        .library(name: "HookBulk", targets: ["HookBulk"]),
        .library(name: "HookWorker", targets: ["HookWorker"]),
        .library(name: "HookQueuePostgres", targets: ["HookQueuePostgres"]),
        .executable(name: "hookrules-queue-bench", targets: ["HookQueueBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Subscriptions and rule fixtures are YAML written by hand: comments, and errors with line numbers.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // Bulk CSV files: RFC 4180 read from a stream, so a million rows never sit in memory at once.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        // The workers' HTTP target.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        // Already under async-http-client; the tests' loopback HTTP target is written on it directly.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // SHA-256 names a bulk file's import; postgres-nio depends on it too.
        .package(url: "https://github.com/apple/swift-crypto", "3.9.0"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
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
        // The only module that touches the Lua C API. Its sandbox is Lua (Sandbox.lua), embedded at build time.
        .target(name: "LuaRuntime", dependencies: ["CLua", "CLuaShim"], plugins: ["EmbedLuaSources"]),
        // The domain (Hook, Scope, TransferRequest, Subscription) and the rule engine. The rule API is Lua
        // (RuleLanguage.lua), embedded at build time.
        .target(name: "HookRules", dependencies: ["LuaRuntime", "Yams"], plugins: ["EmbedLuaSources"]),
        // The host's Lua lives in .lua files (linted, read by Lua tooling) and is compiled into the binary as Swift
        // string literals, so `hookrules` needs no resource beside it: the plugin runs the embedder on a target's
        // .lua files.
        .plugin(name: "EmbedLuaSources", capability: .buildTool(), dependencies: ["LuaSourceEmbedder"]),
        .executableTarget(name: "LuaSourceEmbedder"),
        .executableTarget(
            name: "HookRulesCLI",
            dependencies: [
                "HookRules", "HookQueue", "HookQueueSQLite", "HookQueuePostgres", "HookBulk", "HookWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "HookRulesBenchmarks", dependencies: ["LuaRuntime", "HookRules"]),
        // The dispatch queue's backend-neutral types and the one protocol every backend implements.
        .target(name: "HookQueue", dependencies: ["HookRules"]),
        // The embedded default backend: one SQLite file under a data folder, through GRDB.
        .target(
            name: "HookQueueSQLite",
            dependencies: [
                "HookQueue", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Bulk sync: CSV rows of ids → validated transfer requests, enqueued in batches with a resumable checkpoint.
        .target(
            name: "HookBulk",
            dependencies: [
                "HookRules", "HookQueue", .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Workers: claim requests, hand them to a processor (an HTTP target by default), settle them, fan out.
        .target(
            name: "HookWorker",
            dependencies: ["HookRules", "HookQueue", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        // The shared backend: PostgreSQL through postgres-nio's connection pool, LISTEN/NOTIFY for wake-ups.
        .target(
            name: "HookQueuePostgres",
            dependencies: [
                "HookQueue", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `hookrules-queue-bench`: each queue beside plain SQL on the same database (SQLite's C API, or PostgreSQL
        // through postgres-nio), in the same run.
        .executableTarget(
            name: "HookQueueBenchmarks",
            dependencies: [
                "HookQueue", "HookQueueSQLite", "HookQueuePostgres", .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "LuaRuntimeTests", dependencies: ["LuaRuntime"]),
        .testTarget(name: "HookRulesTests", dependencies: ["HookRules"]),
        // Runs the built `hookrules` executable; the dependency makes `swift test` build it first.
        .testTarget(
            name: "HookRulesCLITests",
            dependencies: [
                "HookRulesCLI", "HookQueue", "HookQueueSQLite", "LoopbackTarget",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "HookBulkTests", dependencies: ["HookBulk", "HookQueueSQLite"]),
        // A real HTTP server on loopback that records what it receives: the workers' target in tests.
        .target(
            name: "LoopbackTarget",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/LoopbackTarget"
        ),
        .testTarget(name: "HookWorkerTests", dependencies: ["HookWorker", "HookQueueSQLite", "LoopbackTarget"]),
        // One contract suite run against every queue backend, plus backend-specific checks.
        .testTarget(
            name: "HookQueueTests",
            dependencies: [
                "HookQueue", "HookQueueSQLite", "HookQueuePostgres", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
