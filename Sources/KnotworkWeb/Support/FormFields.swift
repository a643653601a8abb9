import Foundation
import KnotworkCore
import Vapor

/// The fields of a submitted HTML form by their exact names (`markings[calf.left][intensity]`), so that
/// forms with many optional rows are read without a nested decoder's rules about empty values. An empty
/// value is absent: the validation that follows reports what is required.
struct FormFields: Sendable {
    private(set) var values: [String: [String]] = [:]

    init(_ req: Request) {
        guard let type = req.headers.contentType, type.type == "application", type.subType == "x-www-form-urlencoded",
              let body = req.body.string else {
            self.init(body: "")
            return
        }
        self.init(body: body)
    }

    init(body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]), !key.isEmpty else { continue }
            let value = parts.count > 1 ? (Self.decode(parts[1]) ?? "") : ""
            self.values[key, default: []].append(value)
        }
    }

    /// Fields filled in by the server (a form started from other data, such as a plan from a referral).
    init(prefilled: [(String, String)]) {
        for (key, value) in prefilled { self.values[key, default: []].append(value) }
    }

    private static func decode(_ s: Substring) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// The first non-blank value, trimmed.
    subscript(_ key: String) -> String? {
        self.values[key]?.lazy.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
    }

    /// Every non-blank value of a repeated field (`qualities[]`, checkboxes).
    func list(_ key: String) -> [String] {
        (self.values[key] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// A checkbox: present and not "false".
    func flag(_ key: String) -> Bool {
        guard let v = self[key] else { return false }
        return v != "false" && v != "0"
    }

    /// Lines of a textarea as a list (one entry per line).
    func lines(_ key: String) -> [String] {
        (self[key] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The row keys of fields named `prefix[<row>][...]`, in first-seen order of the form's sorted keys.
    func rows(_ prefix: String) -> [String] {
        var seen: [String] = []
        for key in self.values.keys.sorted() where key.hasPrefix(prefix + "[") {
            let rest = key.dropFirst(prefix.count + 1)
            guard let close = rest.firstIndex(of: "]") else { continue }
            let row = String(rest[..<close])
            if !seen.contains(row) { seen.append(row) }
        }
        return seen
    }

    /// A number, or a field error when the text is not one.
    func number(_ key: String, field: String, errors: inout [FieldError]) -> Double? {
        guard let text = self[key] else { return nil }
        guard let n = Double(text), n.isFinite else {
            errors.append(FieldError(field, "must be a number"))
            return nil
        }
        return n
    }
}
