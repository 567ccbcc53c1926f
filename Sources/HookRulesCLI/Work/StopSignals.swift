import Dispatch
import Foundation
import HookWorker

/// SIGINT and SIGTERM request a graceful stop; a second one exits at once.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(stop: StopRequest) {
        sources = [SIGINT, SIGTERM].map { number in
            // The default action would kill the process before the workers could give their claims back.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isRequested {
                    printError("stopping now; claims still held return to the queue when their leases expire")
                    exit(130)
                }
                printError("stopping: finishing requests in flight (Ctrl-C again to quit at once)")
                stop.request()
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
