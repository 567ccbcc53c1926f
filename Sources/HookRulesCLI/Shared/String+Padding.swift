extension String {
    /// The text padded with spaces to `width` characters: on the right (left-aligned), or on the left to right-align
    /// numbers.
    func padded(to width: Int, alignedRight: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - count))
        return alignedRight ? padding + self : self + padding
    }
}
