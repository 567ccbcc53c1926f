import Foundation
import LuaRuntime

/// XML bodies into Lua tables beside the JSON decoder on the same content: each `.xml` sample is decoded once, its
/// tables written out as a JSON document of the same values (`JSONSerialization`), and both documents are then built
/// eagerly on one state, in interleaved slices, the median slice of each side. The XML is longer for the same values
/// (tags, namespaces, indentation), so documents/s compares the two on equal content and MB/s each on its own bytes.
struct XMLDecodeBenchmark {
    let samples: String
    let seconds: Double

    static let slices = 5

    func run() throws {
        let files = try BenchmarkMain.sampleFiles(in: samples, suffix: ".xml")
        guard !files.isEmpty else { throw BenchmarkFailure("no .xml samples under \(samples)") }
        print("\nXML body → Lua tables beside JSON of the same values, \(files.count) samples, \(seconds) s per sample and side in \(Self.slices) interleaved slices, median slice")
        print(row("sample", "XML bytes", "XML MB/s", "XML docs/s", "JSON bytes", "JSON MB/s", "JSON docs/s", "docs/s ratio"))
        var state = try LuaState()
        var ratios: [Double] = []
        for file in files {
            let json = try Self.sameValuesAsJSON(file.bytes)
            let xmlInput = LuaInput.xml(file.bytes), jsonInput = LuaInput.json(json)
            for _ in 0..<200 {
                try state.materialize(xmlInput)
                try state.materialize(jsonInput)
            }
            var xmlRates: [Double] = [], jsonRates: [Double] = []
            let slice = seconds / Double(Self.slices)
            for _ in 0..<Self.slices {
                xmlRates.append(try Self.documentsPerSecond(xmlInput, on: &state, for: slice))
                jsonRates.append(try Self.documentsPerSecond(jsonInput, on: &state, for: slice))
            }
            let xml = median(xmlRates), other = median(jsonRates)
            ratios.append(xml / other)
            print(row(
                file.path, "\(file.bytes.count)", format(xml * Double(file.bytes.count) / 1e6), format(xml),
                "\(json.count)", format(other * Double(json.count) / 1e6), format(other), format(xml / other) + "x"))
        }
        print("median ratio (XML documents/s over JSON documents/s of the same values): \(format(median(ratios)))x")
    }

    /// The sample's tables as a JSON document: the values the XML decoder built, in the JSON decoder's format.
    static func sameValuesAsJSON(_ xml: [UInt8]) throws -> [UInt8] {
        var state = try LuaState()
        let script = try state.load(LuaScript(name: "bench/identity.lua", text: "return { handle = function(body) return body end }"))
        let value = try state.call(script, function: "handle", arguments: [.xml(xml)]).values.first ?? .nil
        return Array(try JSONSerialization.data(withJSONObject: plain(value), options: [.sortedKeys]))
    }

    private static func plain(_ value: LuaValue) -> Any {
        switch value {
        case .nil: NSNull()
        case .boolean(let flag): flag
        case .integer(let number): number
        case .number(let number): number
        case .string(let text): text
        case .array(let items): items.map(plain)
        case .table(let fields): fields.mapValues(plain)
        }
    }

    private static func documentsPerSecond(_ input: LuaInput, on state: inout LuaState, for seconds: Double) throws -> Double {
        let started = ProcessCPUClock.seconds()
        var documents = 0
        while ProcessCPUClock.seconds() - started < seconds {
            for _ in 0..<50 { try state.materialize(input) }
            documents += 50
        }
        return Double(documents) / (ProcessCPUClock.seconds() - started)
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    private func format(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.2f", value) }

    private func row(_ columns: String...) -> String {
        let widths = [40, 10, 10, 11, 11, 10, 12, 12]
        return zip(columns, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }
            .joined(separator: " ")
    }
}
