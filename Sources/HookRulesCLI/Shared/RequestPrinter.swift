import Foundation

/// Prints values as JSON Lines on stdout: keys sorted, slashes unescaped, dates in ISO 8601 UTC with milliseconds.
struct RequestPrinter {
    private let encoder: JSONEncoder

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
    }

    /// Prints one value as a line. The values printed are plain strings, numbers and booleans: encoding cannot fail.
    func print(_ value: some Encodable) {
        let data = (try? encoder.encode(value)) ?? Data()
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}
