import CLibXML2

/// libxml2's SAX2 callbacks, each handing its event to the ``XMLTableBuilder`` that is the parser's user data.
extension XMLTableBuilder {
    /// A handler with only what the decoder needs: elements, text, CDATA, the document type (refused), entities
    /// (only the predefined ones exist) and structured errors. Everything else (comments, processing instructions,
    /// declarations) has no callback and is skipped by libxml2.
    static func saxHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { context, localName, _, namespace, _, _, attributeCount, _, attributes in
            guard let context, let localName else { return }
            builder(context).pointee.startElement(
                localName: localName, namespace: namespace, attributeCount: Int(attributeCount), attributes: attributes)
        }
        handler.endElementNs = { context, localName, _, _ in
            guard let context, let localName else { return }
            builder(context).pointee.endElement(localName: localName)
        }
        let characters: charactersSAXFunc = { context, bytes, count in
            guard let context, let bytes else { return }
            builder(context).pointee.characters(bytes, count: Int(count))
        }
        handler.characters = characters
        handler.ignorableWhitespace = characters
        handler.cdataBlock = characters
        handler.internalSubset = { context, _, _, _ in
            guard let context else { return }
            builder(context).pointee.documentType()
        }
        handler.getEntity = { _, name in
            guard let name else { return nil }
            return xmlGetPredefinedEntity(name)
        }
        handler.serror = { context, error in
            guard let context, let error else { return }
            builder(context).pointee.parserError(error)
        }
        return handler
    }
}

/// The builder a callback's user data points to (a C callback cannot capture it).
private func builder(_ context: UnsafeMutableRawPointer) -> UnsafeMutablePointer<XMLTableBuilder> {
    context.assumingMemoryBound(to: XMLTableBuilder.self)
}
