import CLua
import CLuaShim

/// `xml.decode(text)`: the decoder XML bodies go through, for XML carried inside a field, a form value or a body the
/// rule reads as `hook.raw`. Same mapping and refusals as a body, under the run's `limits.xml_elements`.
let hostXMLDecode: hr_swift_function = { state in
    decodeTextArgument(state.unsafelyUnwrapped, function: "xml.decode") { text, state, context throws(BodyDecodingError) in
        try XMLLuaDecoder.push(text, onto: state, maxElements: context.limits.xmlElements, memory: context.memory)
    }
}
