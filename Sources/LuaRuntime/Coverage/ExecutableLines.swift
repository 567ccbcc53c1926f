/// The lines of a compiled chunk that hold code which can run, read from the chunk's bytecode as `lua_dump` writes it.
///
/// Why bytecode: Lua reports the lines with code (`activelines` of `lua_getinfo`) only for a function value, and the
/// nested functions of a rule file become values only once the code defining them runs; a function no fixture
/// reaches would be missing. The dump holds every function prototype with its line table, written by the same
/// library that runs the rules, so the two cannot disagree (a source-text heuristic such as luacov's can).
///
/// A line is executable when one of its instructions can run, which is what Lua's line hook reports: Lua's own
/// `activelines`, for every function, minus instructions that the 5.4 compiler emits but the VM never executes:
/// - the `VARARGPREP` opening a vararg function (such as the file's main chunk): Lua raises no line event for it;
/// - the `RETURN` after each `TAILCALL` (`return f(x)` returns from the tail call itself);
/// - a function's closing `RETURN` when the instruction before it already returns and no jump lands on it: the
///   `end` of a function whose last statement is a `return`, or the closing `}` of `return rule { ... }`.
///
/// Format: Lua 5.4 dumps (version 0x54, format 0) with 4-byte little-endian instructions; anything else is refused.
enum ExecutableLines {
    static func read(fromDump dump: [UInt8]) throws(LuaError) -> Set<Int> {
        var reader = DumpReader(bytes: dump)
        try reader.header()
        _ = try reader.byte()  // upvalue count of the main closure
        var lines = Set<Int>()
        try reader.function(into: &lines)
        return lines
    }
}

/// Lua 5.4 opcodes (lopcodes.h) the analysis needs; an instruction's low 7 bits.
private enum Opcode {
    static let jump: UInt32 = 56
    static let tailCall: UInt32 = 69
    static let returns: Set<UInt32> = [70, 71, 72]  // RETURN, RETURN0, RETURN1
    static let returnAll: UInt32 = 70
    static let varargPrep: UInt32 = 81

    static func of(_ instruction: UInt32) -> UInt32 { instruction & 0x7F }

    /// Where an `OP_JMP` at `pc` lands: its signed 25-bit sJ argument is stored with an excess of 2^24 - 1.
    static func jumpTarget(of instruction: UInt32, at pc: Int) -> Int {
        pc + 1 + Int((instruction >> 7) & 0x1FF_FFFF) - 0xFF_FFFF
    }
}

/// A cursor over a dump, following ldump.c of Lua 5.4.
private struct DumpReader {
    let bytes: [UInt8]
    var position = 0

    private static let absoluteLineMarker: Int8 = -0x80  // ABSLINEINFO: the line is in the absolute table

    func malformed(_ what: String) -> LuaError {
        LuaError(.contract, "cannot read the chunk's line table: \(what) at byte \(position)")
    }

    mutating func byte() throws(LuaError) -> UInt8 {
        guard position < bytes.count else { throw malformed("unexpected end") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func skip(_ count: Int) throws(LuaError) {
        guard count >= 0, count <= bytes.count - position else { throw malformed("unexpected end") }
        position += count
    }

    /// A size or int: 7 bits per byte, most significant first, the last byte marked by its high bit.
    mutating func size() throws(LuaError) -> Int {
        var value = 0
        while true {
            let next = try byte()
            guard value < Int.max >> 7 else { throw malformed("oversized number") }
            value = value << 7 | Int(next & 0x7F)
            if next & 0x80 != 0 { return value }
        }
    }

    mutating func skipString() throws(LuaError) {
        let size = try size()
        if size > 0 { try skip(size - 1) }  // stored as length + 1; 0 means no string
    }

    mutating func header() throws(LuaError) {
        let expected: [UInt8] = [0x1B, 0x4C, 0x75, 0x61, 0x54, 0x00, 0x19, 0x93, 0x0D, 0x0A, 0x1A, 0x0A, 4]
        guard bytes.starts(with: expected) else { throw malformed("not a Lua 5.4 dump with 4-byte instructions") }
        position = expected.count
        let integerSize = Int(try byte()), numberSize = Int(try byte())
        guard integerSize >= 2, bytes.count - position >= integerSize, bytes[position] == 0x78,
            bytes[position + 1] == 0x56
        else { throw malformed("not a little-endian dump") }
        try skip(integerSize + numberSize)  // LUAC_INT and LUAC_NUM, the format checks
    }

    /// Reads one function prototype and its nested ones, adding their executable lines to `lines`.
    mutating func function(into lines: inout Set<Int>) throws(LuaError) {
        try skipString()  // source
        let lineDefined = try size()
        _ = try size()  // last line defined
        _ = try byte()  // parameters
        let isVararg = try byte() != 0
        _ = try byte()  // stack size
        let code = try instructions()
        try skipConstants()
        try skip(3 * (try size()))  // upvalues: in stack, index, kind
        for _ in 0..<(try size()) {
            try function(into: &lines)
        }
        let lineOfInstruction = try lineTable(lineDefined: lineDefined, count: code.count)
        let neverRun = Self.neverRunning(code, isVararg: isVararg)
        for pc in code.indices where !neverRun.contains(pc) {
            lines.insert(lineOfInstruction[pc])
        }
        for _ in 0..<(try size()) {  // local variables: name, start pc, end pc
            try skipString()
            _ = try size()
            _ = try size()
        }
        for _ in 0..<(try size()) {  // upvalue names
            try skipString()
        }
    }

    private mutating func instructions() throws(LuaError) -> [UInt32] {
        let count = try size()
        guard count <= (bytes.count - position) / 4 else { throw malformed("unexpected end") }
        var code: [UInt32] = []
        code.reserveCapacity(count)
        for _ in 0..<count {
            let slice = bytes[position..<position + 4]
            code.append(slice.reversed().reduce(0) { $0 << 8 | UInt32($1) })
            position += 4
        }
        return code
    }

    private mutating func skipConstants() throws(LuaError) {
        for _ in 0..<(try size()) {
            switch try byte() {
            case 0x00, 0x01, 0x11: break  // nil, false, true
            case 0x03, 0x13: try skip(8)  // integer, float
            case 0x04, 0x14: try skipString()  // short, long string
            case let tag: throw malformed("unknown constant type \(tag)")
            }
        }
    }

    /// The line of every instruction: a signed delta from the previous line each, or a marker sending to the
    /// table of absolute lines (pc, line) that follows (luaG_getfuncline in ldebug.c).
    private mutating func lineTable(lineDefined: Int, count: Int) throws(LuaError) -> [Int] {
        let deltaCount = try size()
        guard deltaCount == count else { throw malformed("a stripped line table") }
        let start = position
        try skip(deltaCount)
        let deltas = bytes[start..<position].map { Int8(bitPattern: $0) }
        var absolute: [Int: Int] = [:]
        for _ in 0..<(try size()) {
            let pc = try size()
            absolute[pc] = try size()
        }
        var line = lineDefined
        var lines: [Int] = []
        lines.reserveCapacity(count)
        for (pc, delta) in deltas.enumerated() {
            if delta == Self.absoluteLineMarker {
                guard let fixed = absolute[pc] else { throw malformed("a missing absolute line") }
                line = fixed
            } else {
                line += Int(delta)
            }
            lines.append(line)
        }
        return lines
    }

    /// The instructions the compiler emits but the VM never executes (see ``ExecutableLines``).
    static func neverRunning(_ code: [UInt32], isVararg: Bool) -> Set<Int> {
        var never: Set<Int> = isVararg && code.first.map(Opcode.of) == Opcode.varargPrep ? [0] : []
        for pc in code.indices.dropLast()
        where Opcode.of(code[pc]) == Opcode.tailCall && Opcode.of(code[pc + 1]) == Opcode.returnAll {
            never.insert(pc + 1)
        }
        let last = code.count - 1
        if last >= 1, Opcode.returns.contains(Opcode.of(code[last])), Opcode.returns.contains(Opcode.of(code[last - 1])) {
            let jumpedTo = code.indices.contains {
                Opcode.of(code[$0]) == Opcode.jump && Opcode.jumpTarget(of: code[$0], at: $0) == last
            }
            if !jumpedTo { never.insert(last) }
        }
        return never
    }
}
