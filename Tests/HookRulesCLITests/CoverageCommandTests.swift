import Foundation
import Testing

@Suite("hookrules test --coverage, run as a process")
struct CoverageCommandTests {
    /// A scratch copy whose GitHub rule has a branch no fixture takes (line 10).
    static func copyWithGap() throws -> ScratchCopy {
        let copy = try ScratchCopy()
        try copy.edit("rules/github.lua", replacing: """
              local event = hook.headers["x-github-event"]

            """, with: """
              local event = hook.headers["x-github-event"]
              if event == "meta" then
                return "meta"  -- no fixture sends a meta event
              end

            """)
        return copy
    }

    @Test("names each rule file with its reached and executable lines, and shows the line never reached")
    func textReport() throws {
        let copy = try Self.copyWithGap()
        defer { copy.remove() }
        let output = try CommandRunner.run(["test", copy.rules.path, "--coverage"])
        #expect(output.status == 0, "\(output.stderr)")
        let github = copy.rules.appendingPathComponent("github.lua").path
        #expect(output.stdout.contains("\(github)       46/47 lines (97 %)  never reached: 10\n"), "\(output.stdout)")
        #expect(output.stdout.contains(#"    10 |     return "meta"  -- no fixture sends a meta event"#))
        #expect(output.stdout.contains(copy.rules.appendingPathComponent("shopify.lua").path + "      97/97 lines (100 %)\n"))
        #expect(output.stdout.contains("total" + String(repeating: " ", count: github.count + 2) + "412/413 lines (99 %)\n"))
    }

    @Test("with --filter only the selected cases' rule files are reported")
    func filtered() throws {
        let copy = try Self.copyWithGap()
        defer { copy.remove() }
        let output = try CommandRunner.run(["test", copy.rules.path, "--filter", "github", "--coverage"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = output.stdout.components(separatedBy: "coverage (lines of the rule files the cases ran):\n").last ?? ""
        #expect(report.hasPrefix(copy.rules.appendingPathComponent("github.lua").path + "  46/47 lines (97 %)"), "\(report)")
        #expect(!report.contains("shopify.lua"))
    }

    @Test("a rule file without fixtures is reported with none of its lines reached, without printing it whole")
    func ruleWithoutFixtures() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.write("rules/magento.lua", """
            -- Magento: no fixtures yet.
            return rule {
              scopes = { "product/updated" },
              event = header "X-Magento-Topic",
              id = field "id",
              on = { ["catalog_product_save_after"] = "product/updated" },
            }
            """)
        let output = try CommandRunner.run(["test", copy.rules.path, "--coverage"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains(
            copy.rules.appendingPathComponent("magento.lua").path + "      0/5 lines (0 %)  never reached: 2–6\n"
                + "    (no case ran this rule)\n"), "\(output.stdout)")
    }

    @Test("--coverage-lcov writes a well-formed LCOV tracefile with the unreached line at count 0")
    func lcov() throws {
        let copy = try Self.copyWithGap()
        defer { copy.remove() }
        let tracefile = copy.root.appendingPathComponent("rules.lcov")
        let output = try CommandRunner.run(["test", copy.rules.path, "--coverage-lcov", tracefile.path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(!output.stdout.contains("coverage ("))  // the text report only with --coverage

        let lines = try String(contentsOf: tracefile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "TN:")
        var records: [String: [String]] = [:]
        var current: (file: String, lines: [String])?
        for line in lines.dropFirst() {
            if line.hasPrefix("SF:") {
                #expect(current == nil, "SF before end_of_record")
                current = (String(line.dropFirst(3)), [])
            } else if line == "end_of_record" {
                if let record = current { records[record.file] = record.lines }
                current = nil
            } else {
                current?.lines.append(line)
            }
        }
        #expect(current == nil, "last record not ended")
        #expect(records.count == 8)
        for (file, body) in records {
            let counts = body.filter { $0.hasPrefix("DA:") }.map { Int($0.split(separator: ",")[1])! }
            #expect(body.contains("LF:\(counts.count)"), "\(file)")
            #expect(body.contains("LH:\(counts.filter { $0 > 0 }.count)"), "\(file)")
        }
        let github = try #require(records[copy.rules.appendingPathComponent("github.lua").path])
        #expect(github.contains("DA:10,0"))
        #expect(github.contains { $0.hasPrefix("DA:9,") && $0 != "DA:9,0" })  // the `if` above it ran
    }

    @Test("an LCOV path that cannot be written is an error on stderr, exit status 1")
    func unwritableTracefile() throws {
        let output = try CommandRunner.run(["test", "rules/", "--coverage-lcov", "/nonexistent/folder/rules.lcov"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("hookrules: cannot write /nonexistent/folder/rules.lcov"), "\(output.stderr)")
    }
}
