import CLua
import CLuaShim

/// `table.concat`, `insert`, `remove`, `move` and `unpack` with the same checks, results and messages as Lua 5.4's
/// ltablib.c, each element charged to the run's budget: their loops run over a range the caller chooses (up to
/// `math.maxinteger`) and may read through a C `__index`, which runs no Lua instruction, so only the charge can stop
/// them.
enum TableFunctions {
    /// Budget units of one element moved or read (the shim's, which its sort comparator charges too).
    static let elementCost = Int(HR_ELEMENT_COST)

    static let concat: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            let arguments = LibraryArguments(state)
            try checkTable(state, 1, [.read, .length])
            let table = TableArgument(state, 1)
            var last = try table.length()
            let separator = try arguments.optionalString(2, default: UnsafeBufferPointer(start: nil, count: 0))
            var index = try arguments.optionalInteger(3, default: 1)
            last = try arguments.optionalInteger(4, default: last)
            return try ResultBuffer.with(state) { buffer throws(LibraryFailure) -> Int32 in
                var work = UnchargedWork(state)
                while index < last {
                    try appendField(index, of: table, to: &buffer)
                    try buffer.append(separator)
                    try work.add(elementCost)
                    index += 1
                }
                try work.flush()
                if index == last { try appendField(index, of: table, to: &buffer) }
                try buffer.push(state)
                return 1
            }
        }
    }

    private static func appendField(
        _ index: lua_Integer, of table: TableArgument, to buffer: inout ResultBuffer
    ) throws(LibraryFailure) {
        try table.push(index)
        guard lua_isstring(table.state, -1) != 0 else {
            let typeName = String(cString: lua_typename(table.state, lua_type(table.state, -1)))
            throw .error("invalid value (\(typeName)) at index \(index) in table for 'concat'")
        }
        try appendValue(table.state, to: &buffer)
    }

    /// `table.insert`. Appending (two arguments) moves no element, so Lua's own function (upvalue 2) does it, in this
    /// call frame: one write, whose allocation it may raise about without a protected call.
    static let insert: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            guard lua_gettop(state) != 2 else { return HR_PROCEED }
            try checkTable(state, 1, [.read, .write, .length])
            let table = TableArgument(state, 1)
            let firstEmpty = try table.length() &+ 1
            let position: lua_Integer
            switch lua_gettop(state) {
            case 3:
                position = try LibraryArguments(state).integer(2)
                guard UInt64(bitPattern: position) &- 1 < UInt64(bitPattern: firstEmpty) else {
                    throw .argument(2, "position out of bounds")
                }
                var index = firstEmpty
                var holdsValue: Bool?  // whether t[index] holds a value: read in the step before
                var work = UnchargedWork(state)
                while index > position {  // move the elements up
                    let isNil = try table.push(index - 1)
                    try table.set(index, holdsValue: holdsValue)
                    try work.add(elementCost)
                    holdsValue = !isNil
                    index -= 1
                }
                try work.flush()
            default:
                throw .error("wrong number of arguments to 'insert'")
            }
            try table.set(position)
            return 0
        }
    }

    /// `table.remove`. Removing the last element (no position) moves none, so Lua's own function (upvalue 2) does it,
    /// in this call frame.
    static let remove: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            guard !LibraryArguments(state).isAbsent(2) else { return HR_PROCEED }
            try checkTable(state, 1, [.read, .write, .length])
            let table = TableArgument(state, 1)
            let size = try table.length()
            var position = try LibraryArguments(state).optionalInteger(2, default: size)
            // Argument 1, as Lua 5.4 names it in this message.
            if position != size, UInt64(bitPattern: position) &- 1 > UInt64(bitPattern: size) {
                throw .argument(1, "position out of bounds")
            }
            var holdsValue = try !table.push(position)  // whether t[position] holds a value
            var work = UnchargedWork(state)
            while position < size {  // move the elements down
                let nextIsNil = try table.push(position + 1)
                try table.set(position, holdsValue: holdsValue)
                try work.add(elementCost)
                holdsValue = !nextIsNil
                position += 1
            }
            try work.flush()
            lua_pushnil(state)
            try table.set(position, holdsValue: holdsValue)
            return 1
        }
    }

    static let move: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            let arguments = LibraryArguments(state)
            let first = try arguments.integer(2)
            let last = try arguments.integer(3)
            let target = try arguments.integer(4)
            let destinationIndex: Int32 = arguments.isAbsent(5) ? 1 : 5
            try checkTable(state, 1, .read)
            try checkTable(state, destinationIndex, .write)
            if last >= first {
                guard first > 0 || last < lua_Integer.max + first else {
                    throw .argument(3, "too many elements to move")
                }
                let count = last - first + 1
                guard target <= lua_Integer.max - count + 1 else { throw .argument(4, "destination wrap around") }
                let source = TableArgument(state, 1)
                let destination = TableArgument(state, destinationIndex)
                var ascending = target > last || target <= first
                if !ascending, destinationIndex != 1 { ascending = try !source.equals(destination) }
                // Overlapping and moving up: from the end, so no element is overwritten before it moves.
                let step: lua_Integer = ascending ? 1 : -1
                let start = ascending ? 0 : count - 1
                var work = UnchargedWork(state)
                if source.isPlain, destination.isPlain {
                    try moveInBatches(
                        count, from: first + start, to: target + start, step: step, source, destination, &work)
                } else {
                    var offset = start
                    for _ in 0..<count {
                        try source.push(first + offset)
                        try destination.set(target + offset)
                        try work.add(elementCost)
                        offset += step
                    }
                }
                try work.flush()
            }
            lua_pushvalue(state, destinationIndex)
            return 1
        }
    }

    /// Elements written in one protected call when table.move copies between tables without metatables.
    static let moveBatch = 32

    /// table.move between tables without metatables: each element read (nothing can raise), then the batch written
    /// in one protected call, where writing one element at a time would make each new entry a protected call of its
    /// own. The same as reading and writing in turn: nothing observes the order, and the direction is chosen so that
    /// no element is overwritten before it is read.
    private static func moveInBatches(
        _ count: lua_Integer, from firstRead: lua_Integer, to firstWrite: lua_Integer, step: lua_Integer,
        _ source: TableArgument, _ destination: TableArgument, _ work: inout UnchargedWork
    ) throws(LibraryFailure) {
        let state = source.state
        var moved: lua_Integer = 0
        while moved < count {
            let batch = Int32(min(count - moved, lua_Integer(moveBatch)))
            guard lua_checkstack(state, batch + 4) != 0 else {
                // No room for a batch (deep in a recursion): one element at a time, in the slots every C call has.
                try source.push(firstRead + moved * step)
                try destination.set(firstWrite + moved * step)
                try work.add(elementCost)
                moved += 1
                continue
            }
            for index in 0..<lua_Integer(batch) {
                try source.push(firstRead + (moved + index) * step)
                try work.add(elementCost)
            }
            try protected(hr_protected_seti_range(state, destination.index, firstWrite + moved * step, step, batch))
            moved += lua_Integer(batch)
        }
    }

    static let unpack: hr_swift_function = { state in
        libraryCall(state) { state throws(LibraryFailure) in
            let arguments = LibraryArguments(state)
            let table = TableArgument(state, 1)
            var index = try arguments.optionalInteger(2, default: 1)
            let last = arguments.isAbsent(3) ? try table.length() : try arguments.integer(3)
            guard index <= last else { return 0 }
            let span = UInt64(bitPattern: last) &- UInt64(bitPattern: index)  // one less than the number of results
            // A table read through the protected operations needs two more slots while it pushes the last value.
            let extraSlots: UInt64 = table.isPlain ? 0 : 2
            guard span < UInt64(Int32.max), lua_checkstack(state, Int32(span + 1)) != 0,
                lua_checkstack(state, Int32(clamping: span + 1 + extraSlots)) != 0
            else { throw .error("too many results to unpack") }
            var work = UnchargedWork(state)
            while index < last {
                try table.push(index)
                try work.add(elementCost)
                index += 1
            }
            try work.flush()
            try table.push(last)
            return Int32(span + 1)
        }
    }
}
