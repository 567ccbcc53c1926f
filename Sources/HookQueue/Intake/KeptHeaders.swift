import Foundation

/// A kept hook's headers as stored: a JSON list of `[name, value]` pairs, so order and repeated names survive.
/// Shared by the backends of this package.
package enum KeptHeaders {
    package static func encode(_ headers: [KeptHook.HeaderField]) throws -> String {
        String(decoding: try JSONEncoder().encode(headers.map { [$0.name, $0.value] }), as: UTF8.self)
    }

    package static func decode(_ text: String, hook id: String) throws -> [KeptHook.HeaderField] {
        guard let pairs = try? JSONDecoder().decode([[String]].self, from: Data(text.utf8)),
            pairs.allSatisfy({ $0.count == 2 })
        else {
            throw TransferQueueError.corruptEntry(id: QueueItemID(0), reason: "kept hook \(id): headers are not [name, value] pairs")
        }
        return pairs.map { KeptHook.HeaderField(name: $0[0], value: $0[1]) }
    }
}
