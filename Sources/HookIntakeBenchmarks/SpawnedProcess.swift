import Foundation

/// A child process started with no signal blocked and every signal at its default action. Foundation's `Process`
/// passes on the signal mask of the thread that starts it, and this process's threads (NIO's, the concurrency
/// pool's) block signals: `perf record`, which stops when its SIGCHLD or SIGINT arrives, would then never stop.
struct SpawnedProcess {
    let pid: pid_t

    /// Starts `arguments[0]`, found on the PATH, with the rest as its arguments; output goes to /dev/null.
    init(arguments: [String]) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw BenchmarkFailure("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// Waits for it to end (polling, so no thread blocks) and returns its exit status, or 128 + the signal that
    /// ended it.
    func exitStatus() async throws -> Int32 {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            guard result == 0 else { throw BenchmarkFailure("waitpid(\(pid)) failed: errno \(errno)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
