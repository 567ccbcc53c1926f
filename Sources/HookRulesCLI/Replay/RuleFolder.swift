import Foundation
import LuaRuntime

/// The rule files of a folder (`rules/<integration>.lua`), loaded into one state.
struct RuleFolder: ~Copyable {
    var state: LuaState
    let folder: String

    init(folder: String, limits: LuaLimits = LuaLimits()) throws {
        self.folder = folder
        var state = try LuaState(limits: limits)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".lua") }.sorted()
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CaptureError(path: path, reason: "cannot read the rule file")
            }
            _ = try state.load(LuaScript(name: path, text: Array(data)))
        }
        self.state = state
    }

    func script(for integration: String) -> LuaScriptID? {
        state.script(named: (folder as NSString).appendingPathComponent("\(integration).lua"))
    }
}
