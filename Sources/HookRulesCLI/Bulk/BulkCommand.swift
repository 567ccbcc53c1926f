import ArgumentParser
import Foundation
import HookBulk
import HookQueue
import HookModel
import HookRulesConfig

struct BulkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk",
        abstract: "Enqueue a transfer request for every row of a CSV file of ids.",
        discussion: """
            The file is RFC 4180 CSV with a header row: an id column, and a scope column (collection/action, e.g. \
            product/updated) unless --scope gives the scope of every row (it also fills empty scope cells). Other \
            columns are ignored. Every row is checked against the integration's scope catalog before anything is \
            enqueued: a bad row fails the run with its line number, unless --skip-invalid. Quoting is strict: a \
            row with an unterminated quote or text after a closing quote is a bad row (reading goes on at the \
            next line), and two columns with the same name fail the file.

            Rows are enqueued in batches, each committed with the import's progress. Re-running the same file \
            with the same subscription, direction and --scope after an interruption (or after a --limit test \
            batch) goes on after the last committed row: no row is enqueued twice. --restart starts over.

            Examples:
              hookrules bulk products.csv --subscription demo-shopify --direction to --scope product/updated
              hookrules bulk customers.csv --subscription demo-hubspot --direction from --dry-run
              hookrules bulk orders.csv --subscription demo-bigcommerce --direction to --limit 10 --debug
              hookrules bulk orders.csv --subscription demo-bigcommerce --direction to --rate 50/s
            """
    )

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var queueOptions: QueueOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "The subscription the records belong to.")
    var subscription: String

    @Option(help: "to: records come into the platform; from: they go out to the system.")
    var direction: Direction

    @Option(help: "The scope of every row without a scope cell, e.g. product/updated.")
    var scope: Scope?

    @Flag(help: "Report invalid rows and enqueue the others, instead of failing the run.")
    var skipInvalid = false

    @Flag(help: "Print the requests that would be enqueued (JSON Lines) and enqueue nothing.")
    var dryRun = false

    @Option(help: "Enqueue at most N rows now (a test batch); run again without it for the rest.")
    var limit: Int?

    @Flag(help: "Mark the requests for the front of the queue.")
    var debug = false

    @Option(help: ArgumentHelp("Enqueue at most this many rows per second.", valueName: "N/s"))
    var rate: RowRate?

    @Option(help: "Rows per enqueue transaction.")
    var batchSize = 500

    @Flag(help: "Forget this file's progress and enqueue every row again.")
    var restart = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    mutating func run() async throws {
        let settings = try settings()
        let bulk = BulkImport(file: file, settings: settings)
        let validation: BulkValidation
        if Terminal.stderrIsTerminal { printError("checking every row of \(file) …") }
        do {
            validation = try bulk.validate()
        } catch {
            throw CommandFailure("\(error)")
        }
        printProblems(validation.problems)
        if validation.invalidRows > validation.problems.count {
            printError("… and \(validation.invalidRows - validation.problems.count) more invalid row(s)")
        }
        if validation.invalidRows > 0 && !skipInvalid {
            throw CommandFailure(
                "\(validation.invalidRows) of \(validation.rows) row(s) invalid: nothing enqueued (--skip-invalid enqueues the others)")
        }
        if dryRun { return try printDryRun(bulk, validation) }
        try await enqueue(bulk, validation)
    }

    private func settings() throws(CommandFailure) -> BulkImportSettings {
        let rules = try ruleOptions.load()
        var settings: BulkImportSettings
        do {
            settings = try BulkImportSettings(
                subscription: subscription, direction: direction, defaultScope: scope, in: rules.directory,
                catalogs: rules.book.rules.mapValues { DeclaredCatalog(catalog: $0.catalog, source: $0.script.name) })
        } catch {
            switch error {
            case .unknownSubscription: throw rules.unknownSubscription(subscription)
            case .noRule: throw CommandFailure("\(error)")
            case .scopeNotInCatalog: throw CommandFailure.usage("\(error)")
            }
        }
        settings.debug = debug
        settings.skipInvalid = skipInvalid
        settings.batchSize = batchSize
        settings.limit = limit
        settings.rowsPerSecond = rate?.perSecond
        return settings
    }

    private func printDryRun(_ bulk: BulkImport, _ validation: BulkValidation) throws {
        let printer = RequestPrinter()
        var count = 0
        do {
            try bulk.forEachRequest(limit: limit) { request in
                printer.print(RequestLine(request))
                count += 1
            }
        } catch {
            throw CommandFailure("\(error)")
        }
        printError("dry run: \(count) request(s) from \(validation.rows) row(s) would be enqueued; nothing was")
    }

    private func enqueue(_ bulk: BulkImport, _ validation: BulkValidation) async throws {
        let queue = try await queueOptions.open()
        do {
            if restart { try await queue.removeCheckpoint(forImport: validation.key) }
            let bar = ProgressBar(total: validation.rows, unit: "rows")
            let result = try await bulk.enqueue(validation, into: queue) { bar.update($0.rowsDone) }
            bar.finish()
            try await queue.close()
            report(result, validation)
        } catch {
            try? await queue.close()
            throw CommandFailure("\(error)")
        }
    }

    private func report(_ result: BulkEnqueueResult, _ validation: BulkValidation) {
        if result.rowsThisRun == 0 && result.finished {
            printError("every row of \(file) was already enqueued by an earlier run (\(result.progress.requestsEnqueued) request(s)); --restart enqueues them again")
            return
        }
        var summary = "enqueued \(result.requestsThisRun) request(s) from \(result.rowsThisRun) row(s) of \(file)"
        if result.resumedAfter > 0 { summary += ", resuming after row \(result.resumedAfter)" }
        if result.coalescedThisRun > 0 { summary += "; \(result.coalescedThisRun) merged into equal pending requests" }
        if result.skippedThisRun > 0 { summary += "; \(result.skippedThisRun) invalid row(s) skipped" }
        printError(summary)
        if !result.finished {
            printError("\(validation.rows - result.progress.rowsDone) row(s) left: run again without --limit to enqueue them")
        }
    }
}
