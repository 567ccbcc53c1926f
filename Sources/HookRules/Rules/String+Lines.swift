extension String {
    /// The text's lines, split at every `"\n"`; a `"\r"` before it stays at the end of its line. Splitting at the
    /// Character `"\n"` would miss CR LF line ends, which Swift reads as one Character.
    package func splitLines() -> [Substring] {
        utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }
}
