import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// The clinic's settings for plans and progress as numbered versions: the newest is in force, earlier ones stay. With
/// none saved, `ClinicSettings.standard` (issue 4's defaults) is in force.
public struct ClinicSettingsStore: Sendable {
    static let table = "clinic_settings"
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public struct Version: Sendable, Equatable {
        public var number: Int
        public var settings: ClinicSettings
        public var savedAt: Date
        public var savedByName: String
    }

    struct Row: Decodable {
        var version: Int
        var body: String
        var saved_at: Date
        var saved_by_name: String
    }

    /// The settings in force.
    public func current() async throws -> ClinicSettings {
        try await self.currentVersion()?.settings ?? .standard
    }

    public func currentVersion() async throws -> Version? {
        guard let row = try await self.database.sql.select().columns("version", "body", "saved_at", "saved_by_name").from(Self.table)
            .orderBy("version", .descending).limit(1).first(decoding: Row.self) else { return nil }
        return Version(number: row.version, settings: try StoredJSON.decode(ClinicSettings.self, row.body), savedAt: row.saved_at,
                       savedByName: row.saved_by_name)
    }

    /// Saves a new version (call inside the audited transaction). Two saves at once cannot both take the same number:
    /// the version is the primary key.
    public func save(_ settings: ClinicSettings, by recorder: Recorder, at now: Date) async throws -> Version {
        let last = try await self.currentVersion()
        guard last?.settings != settings else { return last! }
        let number = (last?.number ?? 0) + 1
        try await self.database.sql.insert(into: Self.table)
            .columns("version", "body", "saved_at", "saved_by", "saved_by_name")
            .values(SQLBind(number), SQLBind(try StoredJSON.encode(settings)), SQLBind(now), SQLBind(recorder.userID), SQLBind(recorder.name))
            .run()
        return Version(number: number, settings: settings, savedAt: now, savedByName: recorder.name)
    }
}
