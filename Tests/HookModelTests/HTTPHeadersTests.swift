import HookModel
import Testing

@Suite("Header names as rules see them")
struct HTTPHeadersTests {
    @Test("normalized fields lower-case names and keep arrival order")
    func normalizedFields() {
        let headers: HTTPHeaders = ["X-Shopify-Topic": "products/update", "content-type": "application/json"]
        #expect(headers.normalizedFields.map(\.name) == ["x-shopify-topic", "content-type"])
        #expect(headers.normalizedFields.map(\.value) == ["products/update", "application/json"])
    }

    @Test("a name sent twice, in any case, joins its values like the dictionary form")
    func repeatedNames() {
        var headers = HTTPHeaders()
        headers.add("X-Tag", "a")
        headers.add("Accept", "*/*")
        headers.add("x-tag", "b")
        let fields = Dictionary(uniqueKeysWithValues: headers.normalizedFields.map { ($0.name, $0.value) })
        #expect(fields == headers.normalized)
        #expect(fields["x-tag"] == "a, b")
    }

    @Test("non-ASCII names are lower-cased with Unicode rules; lookups ignore case")
    func nonASCIINames() {
        let headers: HTTPHeaders = ["X-ÄBC": "1", "Content-Type": "application/json"]
        #expect(headers.normalizedFields.first?.name == "x-äbc")
        #expect(headers["CONTENT-type"] == "application/json")
        #expect(headers["content-typf"] == nil)
        #expect(headers["x-äbc"] == "1")
    }
}
