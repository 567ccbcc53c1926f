import HookModel

extension HTTPHeaders {
    /// The one value of a header a signature depends on, trimmed of surrounding spaces. A header sent twice with the
    /// same value (a proxy repeating it) counts once; with different values it is refused rather than guessed.
    func signatureValue(_ name: String) throws(SignatureFailure) -> String {
        let wanted = name.lowercased()
        var found: String?
        for field in fields where field.name.lowercased() == wanted {
            let value = field.value.trimmingSpaces
            if let earlier = found, earlier != value { throw .conflictingHeader(name) }
            found = value
        }
        guard let found else { throw .missingHeader(name) }
        guard !found.isEmpty else { throw .malformedHeader(name, reason: "is empty") }
        return found
    }

    /// These headers with `replacements` in their place: every field of a replaced name (any case) is dropped, the
    /// replacements come last in their order.
    func replacing(with replacements: HTTPHeaders) -> HTTPHeaders {
        let replaced = Set(replacements.fields.map { $0.name.lowercased() })
        return HTTPHeaders(fields.filter { !replaced.contains($0.name.lowercased()) } + replacements.fields)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
