extension String {
    /// The text in double quotes, with `"`, `\`, newline, carriage return and tab escaped as `\"`, `\\`, `\n`, `\r`,
    /// `\t`, and each other scalar `escape` returns text for written as that text: the part Lua string literals and
    /// YAML double-quoted scalars share, each language escaping the rest its own way.
    package func doubleQuoted(escapingOthers escape: (Unicode.Scalar) -> String?) -> String {
        var result = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if let escaped = escape(scalar) { result += escaped } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }
}
