import HookModel


/// The type a rule declares for one of its presets (`presets = { id_prefixes = "table" }`), so a subscription's
/// presets are checked when it is loaded instead of failing on the first hook.
public enum PresetKind: String, Sendable, Hashable, CaseIterable {
    case boolean, string, number, integer, table

    /// Whether a configured value has this type. Integers are numbers too; a table may be a list or a map.
    public func accepts(_ value: PresetValue) -> Bool {
        switch (self, value) {
        case (.boolean, .boolean), (.string, .string), (.integer, .integer), (.number, .integer), (.number, .number),
            (.table, .table), (.table, .list):
            true
        default:
            false
        }
    }
}
