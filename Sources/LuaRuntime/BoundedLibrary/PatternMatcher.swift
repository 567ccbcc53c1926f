import CLua
import CLuaShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lua 5.4's pattern matching (the manual's §6.4.1) over the bytes of a subject and a pattern, with every step
/// charged to the run's budget.
///
/// Lua's own matcher is one C call that runs no Lua instruction, so neither the count hook nor the deadline can
/// interrupt it, and backtracking makes some patterns polynomial or worse in the subject's length
/// ("(.-)(.-)(.-)x" on 64 KiB runs for hours). This is the same backtracking algorithm as Lua 5.4's lstrlib.c, with
/// the same semantics, limits (32 captures, 200 nested items) and error messages, so rules see what Lua would give;
/// the difference is that every step is charged, and the budget stops the match at the run's deadline.
/// `PatternParityTests` compares it with Lua's own string library.
///
/// Indices are byte offsets: into the subject from 0 to its length, into the pattern (after any anchor) likewise.
struct PatternMatcher: ~Copyable {
    static let maxCaptures = 32  // LUA_MAXCAPTURES
    static let maxDepth = 200  // MAXCCALLS in lstrlib.c
    /// Budget units of one matching step; a step that scans bytes in bulk (a repetition, a back-reference, `%b`) adds
    /// one per byte, charged as it scans, so that a scan of a big subject answers to the deadline too.
    static let stepCost = 16

    /// Capture lengths that are not lengths: a capture still open, and a position capture `()`.
    static let unfinished = -1
    static let position = -2

    let subject: UnsafeBufferPointer<UInt8>
    let pattern: UnsafeBufferPointer<UInt8>
    private let state: OpaquePointer
    /// Steps counted but not charged yet. What is left when a call ends, less than a batch (a few hundred steps),
    /// is not charged: it is in the order of what the call's own instruction costs. A gmatch iterator carries it to
    /// its next step.
    var uncharged: UnchargedWork
    private(set) var level = 0
    private var depthLeft = maxDepth
    /// Where each capture starts and how long it is (or `unfinished`, `position`): memory on the caller's stack, as
    /// lstrlib.c keeps its MatchState, since reading a fixed-size array stored in `self` copies it whole.
    private let captureStart: UnsafeMutablePointer<Int>
    private let captureLength: UnsafeMutablePointer<Int>

    private init(
        state: OpaquePointer, subject: UnsafeBufferPointer<UInt8>, pattern: UnsafeBufferPointer<UInt8>,
        unchargedUnits: Int, captures: UnsafeMutablePointer<Int>
    ) {
        self.state = state
        self.subject = subject
        self.pattern = pattern
        uncharged = UnchargedWork(state, units: unchargedUnits)
        captureStart = captures
        captureLength = captures + Self.maxCaptures
    }

    /// Runs `body` with a matcher of `pattern` (after any anchor) against `subject`; `unchargedUnits` carries units
    /// counted by an earlier matcher of the same call (a gmatch iterator's previous steps).
    static func with<Result>(
        state: OpaquePointer, subject: UnsafeBufferPointer<UInt8>, pattern: UnsafeBufferPointer<UInt8>,
        unchargedUnits: Int = 0, _ body: (inout PatternMatcher) throws(LibraryFailure) -> Result
    ) throws(LibraryFailure) -> Result {
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * maxCaptures) {
            captures throws(LibraryFailure) -> Result in
            var matcher = PatternMatcher(
                state: state, subject: subject, pattern: pattern, unchargedUnits: unchargedUnits,
                captures: captures.baseAddress.unsafelyUnwrapped)
            return try body(&matcher)
        }
    }

    /// Forgets the captures and the depth of the previous attempt (lstrlib.c's `reprepstate`).
    mutating func reset() {
        level = 0
        depthLeft = Self.maxDepth
    }

    /// The end of the match of the pattern from `patternIndex` on against the subject from `subjectIndex` on, or nil.
    mutating func match(_ subjectIndex: Int, _ patternIndex: Int) throws(LibraryFailure) -> Int? {
        if depthLeft == 0 { throw .error("pattern too complex") }
        depthLeft -= 1
        try charge(Self.stepCost)
        var s = subjectIndex
        var p = patternIndex
        let result: Int?
        items: while true {
            guard p != pattern.count else {
                result = s
                break items
            }
            switch pattern[p] {
            case UInt8(ascii: "("):
                if patternByte(p + 1) == UInt8(ascii: ")") {
                    result = try startCapture(s, p + 2, length: Self.position)
                } else {
                    result = try startCapture(s, p + 1, length: Self.unfinished)
                }
                break items
            case UInt8(ascii: ")"):
                result = try endCapture(s, p + 1)
                break items
            case UInt8(ascii: "$") where p + 1 == pattern.count:
                result = s == subject.count ? s : nil
                break items
            case UInt8(ascii: "%") where patternByte(p + 1) == UInt8(ascii: "b"):
                guard let end = try matchBalance(s, p + 2) else {
                    result = nil
                    break items
                }
                s = end
                p += 4
            case UInt8(ascii: "%") where patternByte(p + 1) == UInt8(ascii: "f"):
                p += 2
                guard patternByte(p) == UInt8(ascii: "[") else { throw .error("missing '[' after '%f' in pattern") }
                let setEnd = try itemEnd(p)
                let previous = s == 0 ? 0 : subject[s - 1]
                let current = s < subject.count ? subject[s] : 0
                guard !setContains(previous, p, setEnd - 1), setContains(current, p, setEnd - 1) else {
                    result = nil
                    break items
                }
                p = setEnd
            case UInt8(ascii: "%") where isDigit(patternByte(p + 1)):
                guard let end = try matchBackReference(s, patternByte(p + 1)) else {
                    result = nil
                    break items
                }
                s = end
                p += 2
            default:
                let end = try itemEnd(p)
                let suffix = patternByte(end)
                guard singleMatches(s, p, end) else {
                    if suffix == UInt8(ascii: "*") || suffix == UInt8(ascii: "?") || suffix == UInt8(ascii: "-") {
                        p = end + 1  // the item may match nothing
                        continue items
                    }
                    result = nil
                    break items
                }
                switch suffix {
                case UInt8(ascii: "?"):
                    if let matched = try match(s + 1, end + 1) {
                        result = matched
                        break items
                    }
                    p = end + 1
                case UInt8(ascii: "+"):
                    result = try maxExpand(s + 1, p, end)
                    break items
                case UInt8(ascii: "*"):
                    result = try maxExpand(s, p, end)
                    break items
                case UInt8(ascii: "-"):
                    result = try minExpand(s, p, end)
                    break items
                default:
                    s += 1
                    p = end
                }
            }
        }
        depthLeft += 1
        return result
    }

    /// Counts `units` of work, charging the budget once a batch has gathered.
    @inline(__always)
    mutating func charge(_ units: Int) throws(LibraryFailure) {
        try uncharged.add(units)
    }

    /// The pattern's byte at `index`, or 0 past its end (where lstrlib.c reads the string's terminating NUL).
    @inline(__always)
    func patternByte(_ index: Int) -> UInt8 {
        index < pattern.count ? pattern[index] : 0
    }

    /// The longest run of the single-character item at `p` (ending at `end`) from `s`, then shorter ones, until the
    /// rest of the pattern matches.
    private mutating func maxExpand(_ s: Int, _ p: Int, _ end: Int) throws(LibraryFailure) -> Int? {
        var count = 0
        while singleMatches(s + count, p, end) {
            count += 1
            try charge(1)
        }
        while count >= 0 {
            if let matched = try match(s + count, end + 1) { return matched }
            count -= 1
        }
        return nil
    }

    /// The shortest run of the single-character item at `p` from `s` after which the rest of the pattern matches.
    private mutating func minExpand(_ start: Int, _ p: Int, _ end: Int) throws(LibraryFailure) -> Int? {
        var s = start
        while true {
            if let matched = try match(s, end + 1) { return matched }
            guard singleMatches(s, p, end) else { return nil }
            s += 1
        }
    }

    private mutating func startCapture(_ s: Int, _ p: Int, length: Int) throws(LibraryFailure) -> Int? {
        guard level < Self.maxCaptures else { throw .error("too many captures") }
        captureStart[level] = s
        captureLength[level] = length
        level += 1
        let matched = try match(s, p)
        if matched == nil { level -= 1 }
        return matched
    }

    private mutating func endCapture(_ s: Int, _ p: Int) throws(LibraryFailure) -> Int? {
        let closing = try captureToClose()
        captureLength[closing] = s - captureStart[closing]
        let matched = try match(s, p)
        if matched == nil { captureLength[closing] = Self.unfinished }
        return matched
    }

    private func captureToClose() throws(LibraryFailure) -> Int {
        var index = level - 1
        while index >= 0 {
            if captureLength[index] == Self.unfinished { return index }
            index -= 1
        }
        throw .error("invalid pattern capture")
    }

    /// `%b xy` at `p` (the two bytes after `%b`): from an `x` at `s` to its balancing `y`.
    private mutating func matchBalance(_ s: Int, _ p: Int) throws(LibraryFailure) -> Int? {
        guard p + 1 < pattern.count else { throw .error("malformed pattern (missing arguments to '%b')") }
        guard s < subject.count, subject[s] == pattern[p] else { return nil }
        let open = pattern[p], close = pattern[p + 1]
        var depth = 1
        var index = s + 1
        while index < subject.count {
            try charge(1)
            let byte = subject[index]
            if byte == close {
                depth -= 1
                if depth == 0 { return index + 1 }
            } else if byte == open {
                depth += 1
            }
            index += 1
        }
        return nil
    }

    /// `%1`-`%9` at `s`: the same bytes as that capture. A position capture never matches, as in Lua.
    private mutating func matchBackReference(_ s: Int, _ letter: UInt8) throws(LibraryFailure) -> Int? {
        let index = try closedCapture(letter)
        let length = captureLength[index]
        guard length >= 0, subject.count - s >= length else { return nil }
        try charge(length)
        let base = subject.baseAddress.unsafelyUnwrapped
        return memcmp(base + captureStart[index], base + s, length) == 0 ? s + length : nil
    }

    private func closedCapture(_ letter: UInt8) throws(LibraryFailure) -> Int {
        let index = Int(letter) - Int(UInt8(ascii: "1"))
        guard index >= 0, index < level, captureLength[index] != Self.unfinished else {
            throw .error("invalid capture index %\(index + 1)")
        }
        return index
    }

    // MARK: Captures

    /// A capture's value: a range of the subject, or a position (1-based).
    enum Capture {
        case bytes(Range<Int>)
        case position(Int)
    }

    /// Capture `index`, or the whole match `whole` when the pattern has no captures and `index` is 0 (lstrlib.c's
    /// `get_onecapture`).
    func capture(_ index: Int, whole: Range<Int>?) throws(LibraryFailure) -> Capture {
        guard index < level else {
            guard index == 0, let whole else { throw .error("invalid capture index %\(index + 1)") }
            return .bytes(whole)
        }
        let length = captureLength[index]
        if length == Self.unfinished { throw .error("unfinished capture") }
        if length == Self.position { return .position(captureStart[index] + 1) }
        return .bytes(captureStart[index]..<captureStart[index] + length)
    }

    /// How many values the captures are: every capture, or the whole match when there is none and `whole` is given
    /// (lstrlib.c's `push_captures`).
    func captureCount(whole: Range<Int>?) -> Int {
        level == 0 && whole != nil ? 1 : level
    }

    /// Describes the captures (see `captureCount(whole:)`) in the state's result list and returns the status that
    /// has the trampoline push them after the `pushed` values already on the stack.
    func returnCaptures(whole: Range<Int>?, after pushed: Int32) throws(LibraryFailure) -> Int32 {
        let list = hr_result_list_of(state).unsafelyUnwrapped
        let count = captureCount(whole: whole)
        let pieces = (UnsafeMutableRawPointer(list) + MemoryLayout<hr_result_list>.offset(of: \.pieces)!)
            .assumingMemoryBound(to: hr_piece.self)
        try describeCaptures(0..<count, whole: whole, into: pieces)
        list.pointee.count = Int32(count)
        list.pointee.pushed = pushed
        return HR_PUSH_RESULTS
    }

    /// Pushes function(captures...) (one result), the function being the value at `index`, or the error that
    /// ended it (`.raised`).
    func call(_ index: Int32, withCapturesOf whole: Range<Int>) throws(LibraryFailure) {
        let count = captureCount(whole: whole)
        try withUnsafeTemporaryAllocation(of: hr_piece.self, capacity: count) { pieces throws(LibraryFailure) in
            let base = pieces.baseAddress.unsafelyUnwrapped
            try describeCaptures(0..<count, whole: whole, into: base)
            try protected(hr_protected_call_with(state, index, base, Int32(count)))
        }
    }

    /// Pushes table[first capture], the table being the value at `index`, or the error that ended it (`.raised`).
    func index(_ index: Int32, withFirstCaptureOf whole: Range<Int>) throws(LibraryFailure) {
        try withUnsafeTemporaryAllocation(of: hr_piece.self, capacity: 1) { piece throws(LibraryFailure) in
            let base = piece.baseAddress.unsafelyUnwrapped
            try describeCaptures(0..<1, whole: whole, into: base)
            try protected(hr_protected_index_with(state, index, base))
        }
    }

    private func describeCaptures(
        _ indices: Range<Int>, whole: Range<Int>?, into pieces: UnsafeMutablePointer<hr_piece>
    ) throws(LibraryFailure) {
        let base = UnsafeRawPointer(subject.baseAddress)?.assumingMemoryBound(to: CChar.self)
        for index in indices {
            switch try capture(index, whole: whole) {
            case .bytes(let range):
                pieces[index] = hr_piece(
                    bytes: base.unsafelyUnwrapped + range.lowerBound, length: range.count, integer: 0)
            case .position(let position):
                pieces[index] = hr_piece(bytes: nil, length: 0, integer: lua_Integer(position))
            }
        }
    }
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
}
