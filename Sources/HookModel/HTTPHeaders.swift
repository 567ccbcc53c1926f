/// Header fields with case-insensitive names, in arrival order. A name sent more than once keeps every value;
/// the subscript joins them with ", " as HTTP allows.
public struct HTTPHeaders: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public subscript(name: String) -> String? {
        var joined: String?
        for field in fields where field.name.caseInsensitiveEquals(name) {
            joined = joined.map { "\($0), \(field.value)" } ?? field.value
        }
        return joined
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Lower-cased names → values, the form rules see.
    public var normalized: [String: String] {
        // Values gathered first and joined once: joining as they come copies a much-repeated header's text again
        // for every repeat.
        var values: [String: [String]] = [:]
        values.reserveCapacity(fields.count)
        for (name, value) in fields {
            values[name.lowercasedHeaderName, default: []].append(value)
        }
        return values.mapValues { $0.count == 1 ? $0[0] : $0.joined(separator: ", ") }
    }

    /// `normalized` as pairs in arrival order when no name repeats (the usual case), without building a dictionary.
    /// Linear in the number of fields: a few are compared pairwise, more are told apart by a set of names.
    public var normalizedFields: [(name: String, value: String)] {
        var lowered: [(name: String, value: String)] = []
        lowered.reserveCapacity(fields.count)
        var seen: Set<String> = []
        let pairwise = fields.count <= 16
        for field in fields {
            let name = field.name.lowercasedHeaderName
            // Names of other lengths cannot be equal: most pairs are told apart without comparing their bytes.
            let count = name.utf8.count
            let repeated = pairwise
                ? lowered.contains(where: { $0.name.utf8.count == count && $0.name == name })
                : !seen.insert(name).inserted
            if repeated {
                return normalized.map { (name: $0.key, value: $0.value) }
            }
            lowered.append((name: name, value: field.value))
        }
        return lowered
    }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for (name, value) in fields {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        if isASCII, other.isASCII {
            return utf8.elementsEqual(other.utf8) { $0 | ($0 &- 0x41 < 26 ? 0x20 : 0) == $1 | ($1 &- 0x41 < 26 ? 0x20 : 0) }
        }
        return lowercased() == other.lowercased()
    }

    /// A header name lower-cased: names are ASCII tokens, which need no Unicode case mapping (and usually arrive in
    /// lower case already, which costs no copy).
    var lowercasedHeaderName: String {
        guard isASCII else { return lowercased() }
        guard utf8.contains(where: { $0 &- 0x41 < 26 }) else { return self }
        return String(decoding: utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }
}
