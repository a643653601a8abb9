import Fluent
import Foundation
import KnotworkCore
import SQLKit

public struct CERuleVersion: Sendable, Equatable {
    public var rule: CERule
    public var version: Int
    public var savedByName: String
    public var savedAt: Date
}

/// The administrator's edits of the CE rules. Each save is a new numbered version of its rule (jurisdiction,
/// credential and effective date); the newest is in force and the older ones stay, so what a compliance status was
/// judged against can be told later.
public struct CERuleStore: Sendable {
    static let table = "ce_rule_versions"
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    static func key(_ r: CERule) -> String { "\(r.jurisdiction)|\(r.credential)|\(r.effectiveFrom)" }

    struct Row: Decodable {
        var version: Int
        var body: String
        var saved_by_name: String
        var saved_at: Date
    }

    /// Every saved version, oldest first.
    public func versions() async throws -> [CERuleVersion] {
        try await self.database.sql.select().columns("version", "body", "saved_by_name", "saved_at").from(Self.table)
            .orderBy("saved_at").orderBy("version").all(decoding: Row.self)
            .map { CERuleVersion(rule: try StoredJSON.decode(CERule.self, $0.body), version: $0.version, savedByName: $0.saved_by_name, savedAt: $0.saved_at) }
    }

    /// The rules in force: the reference with each rule's newest edit laid over it.
    public func inForce() async throws -> [CERule] {
        CERules.merged(try await self.versions().map(\.rule))
    }

    /// Saves `rule` as its next version; two saves at once cannot take one number (the unique key).
    @discardableResult
    public func save(_ rule: CERule, by recorder: Recorder, at now: Date) async throws -> CERuleVersion {
        struct Last: Decodable { var version: Int? }
        let last = try await self.database.sql.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "version").from(Self.table)
            .where("rule_key", .equal, Self.key(rule)).first(decoding: Last.self)?.version ?? 0
        try await self.database.sql.insert(into: Self.table).columns("id", "rule_key", "version", "body", "saved_by", "saved_by_name", "saved_at")
            .values(SQLBind(UUID()), SQLBind(Self.key(rule)), SQLBind(last + 1), SQLBind(try StoredJSON.encode(rule)), SQLBind(recorder.userID),
                    SQLBind(recorder.name), SQLBind(now))
            .run()
        return CERuleVersion(rule: rule, version: last + 1, savedByName: recorder.name, savedAt: now)
    }
}
