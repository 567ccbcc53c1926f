import Foundation

/// CPU time (user + system, seconds) of the terminated children this process has waited for: wrk's, read around
/// each run.
enum ChildrenCPU {
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        return usage.ru_utime.seconds + usage.ru_stime.seconds
    }
}

/// CPU time (user + system, seconds) a running process has used so far, from `/proc/<pid>/stat`: the server's,
/// read around each run (`hookrules serve` in its own process, the bare endpoint in this one).
enum ProcessCPU {
    static func seconds(pid: Int32) throws -> Double {
        let path = "/proc/\(pid)/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { throw BenchmarkFailure("cannot read \(path)") }
        // After the command name (in parentheses, which may hold spaces): state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchmarkFailure("cannot read the CPU times of \(path)")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

extension timeval {
    fileprivate var seconds: Double { Double(tv_sec) + Double(tv_usec) / 1_000_000 }
}
