import CLuaShim

/// The shim's line counters of one loaded script. The memory is the shim's and lives as long as the C state, so a
/// counter must not outlive the ``LuaHandle`` that registered it.
struct LineCounter {
    let script: String
    let counts: UnsafeMutableBufferPointer<UInt64>

    /// Registers `script`, already compiled under the chunk name `"@" + script.name`, with the shim.
    init(registering script: LuaScript, in state: OpaquePointer) throws(LuaError) {
        let lineCount = script.text.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        guard let counts = hr_count_lines_of(state, "@" + script.name, Int32(clamping: lineCount)) else {
            throw LuaError(.memoryLimit, "could not allocate line counters for \(script.name)")
        }
        self.script = script.name
        self.counts = UnsafeMutableBufferPointer(start: counts, count: lineCount + 1)
    }

    /// Moves the counts into `hits` and sets them back to zero.
    func take(into hits: inout LineHits) {
        for line in counts.indices.dropFirst() where counts[line] > 0 {
            hits.add(script: script, line: line, count: Int(counts[line]))
            counts[line] = 0
        }
    }
}
