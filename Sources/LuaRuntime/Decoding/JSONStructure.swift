/// Where every object and array of a validated JSON document starts and ends, in document order: what lets a lazily
/// decoded body build one container at a time and step over the ones the rule never touches in O(1).
struct JSONStructure {
    struct Container {
        /// Byte offsets of the opening `{`/`[` and of the matching `}`/`]`.
        var start: Int
        var end: Int
        /// Members or elements directly inside (null members included), to size the Lua table.
        var count: Int
        /// The ordinal of the first container after this one and everything nested in it.
        var next: Int
    }

    /// Containers by ordinal (document order of their opening bracket); empty when the document is a scalar.
    var containers: [Container] = []
}
