/// What a rule printed during one run, capped so a chatty or hostile rule cannot fill memory.
struct RunLog {
    private(set) var lines: [String] = []
    private var bytes = 0
    private var dropped = 0
    let maxLines: Int
    let maxBytes: Int

    init(maxLines: Int, maxBytes: Int) {
        self.maxLines = maxLines
        self.maxBytes = maxBytes
    }

    /// Keeps `line` (bytes from Lua, decoded as UTF-8) when it fits; a line over the cap is dropped before it is
    /// decoded, so printing a huge string costs no copy of it.
    mutating func append(_ line: UnsafeRawBufferPointer) {
        guard lines.count < maxLines, bytes + line.count <= maxBytes else {
            dropped += 1
            return
        }
        let text = String(decoding: line, as: UTF8.self)
        bytes += text.utf8.count
        lines.append(text)
    }

    /// The kept lines, plus a last line saying how many were dropped.
    mutating func take() -> [String] {
        var result = lines
        if dropped > 0 {
            result.append("(\(dropped) more lines dropped: log limit of \(maxLines) lines / \(maxBytes) bytes)")
        }
        lines = []
        bytes = 0
        dropped = 0
        return result
    }
}
