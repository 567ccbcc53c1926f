#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLua

extension JSONLuaDecoder {
    /// Decodes the number at the cursor and pushes it: an integer when it is an integer literal within Int64, a
    /// float when it has a fraction or exponent, and the literal text when neither can hold it exactly.
    mutating func decodeNumber() throws(BodyDecodingError) {
        let literalStart = cursor
        let negative = cursor.pointee == UInt8(ascii: "-")
        if negative { cursor += 1 }
        guard cursor < end, isDigit(cursor.pointee) else { throw failure("expected a digit") }

        // Magnitude of the integer part, tracked as long as it fits an Int64 (or 2^63 for a negative number).
        var magnitude: UInt64 = 0
        var overflowed = false
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        if cursor.pointee == UInt8(ascii: "0") {
            cursor += 1
            if cursor < end, isDigit(cursor.pointee) { throw failure("leading zeros are not allowed") }
        } else {
            while cursor < end, isDigit(cursor.pointee) {
                let digit = UInt64(cursor.pointee &- UInt8(ascii: "0"))
                if !overflowed {
                    let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(digit)
                    if overflow1 || overflow2 || sum > limit { overflowed = true } else { magnitude = sum }
                }
                cursor += 1
            }
        }

        var isInteger = true
        if cursor < end, cursor.pointee == UInt8(ascii: ".") {
            isInteger = false
            cursor += 1
            guard cursor < end, isDigit(cursor.pointee) else { throw failure("expected a digit after '.'") }
            while cursor < end, isDigit(cursor.pointee) { cursor += 1 }
        }
        if cursor < end, cursor.pointee | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            cursor += 1
            if cursor < end, cursor.pointee == UInt8(ascii: "+") || cursor.pointee == UInt8(ascii: "-") { cursor += 1 }
            guard cursor < end, isDigit(cursor.pointee) else { throw failure("expected a digit in the exponent") }
            while cursor < end, isDigit(cursor.pointee) { cursor += 1 }
        }

        if isInteger, !overflowed {
            let value = negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
            lua_pushinteger(state, lua_Integer(value))
        } else if isInteger {
            pushLiteral(from: literalStart)  // beyond Int64: keep every digit
        } else {
            let value = parseDouble(from: literalStart)
            if value.isInfinite {
                pushLiteral(from: literalStart)  // beyond a double's range
            } else {
                lua_pushnumber(state, value)
            }
        }
    }

    private func pushLiteral(from literalStart: UnsafePointer<UInt8>) {
        lua_pushlstring(state, UnsafeRawPointer(literalStart).assumingMemoryBound(to: CChar.self), cursor - literalStart)
    }

    /// `strtod` on a NUL-terminated copy of the literal (the input buffer is not NUL-terminated). The process keeps
    /// the C locale, so '.' is the decimal point.
    private func parseDouble(from literalStart: UnsafePointer<UInt8>) -> Double {
        let length = cursor - literalStart
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: literalStart, byteCount: length)
            buffer[length] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
