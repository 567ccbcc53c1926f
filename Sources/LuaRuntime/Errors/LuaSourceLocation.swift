/// A place in a Lua source: the chunk name Lua reports (the rule file's path) and a 1-based line.
public struct LuaSourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var chunk: String
    public var line: Int

    public init(chunk: String, line: Int) {
        self.chunk = chunk
        self.line = line
    }

    public var description: String { "\(chunk):\(line)" }

    /// Splits Lua's `"chunk:line: message"` form. Only chunk names the host loaded are recognised, so a message that
    /// merely contains a colon is not mistaken for a location.
    static func split(_ text: String, knownChunks: some Sequence<String>) -> (LuaSourceLocation?, String) {
        for chunk in knownChunks where text.hasPrefix(chunk + ":") {
            let rest = text.dropFirst(chunk.count + 1)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let line = Int(digits), rest.dropFirst(digits.count).hasPrefix(": ") else { continue }
            let message = rest.dropFirst(digits.count + 2)
            return (LuaSourceLocation(chunk: chunk, line: line), String(message))
        }
        return (nil, text)
    }
}
