import Fluent
import Foundation
import KnotworkCore
import SQLKit

extension PatientModel {
    var domain: Patient {
        Patient(
            id: self.id!, recordNumber: self.recordNumber, givenName: self.givenName, familyName: self.familyName,
            dateOfBirth: CalendarDate(self.dateOfBirth) ?? CalendarDate(year: 1900, month: 1, day: 1)!,
            sex: AdministrativeSex(rawValue: self.sex) ?? .unknown, phone: self.phone, email: self.email,
            addressLine: self.addressLine, city: self.city, state: self.state, postalCode: self.postalCode,
            active: self.active, createdAt: self.createdAt ?? .distantPast, updatedAt: self.updatedAt ?? .distantPast
        )
    }

    func apply(_ d: PatientDemographics) {
        self.givenName = d.givenName
        self.familyName = d.familyName
        self.searchGiven = Text.searchKey(d.givenName)
        self.searchFamily = Text.searchKey(d.familyName)
        self.dateOfBirth = d.dateOfBirth.description
        self.sex = d.sex.rawValue
        self.phone = d.phone
        self.phoneDigits = d.phone.map(Text.digits)
        self.email = d.email
        self.addressLine = d.addressLine
        self.city = d.city
        self.state = d.state
        self.postalCode = d.postalCode
    }
}

/// Whose patients a search may return.
public enum PatientScope: Sendable, Equatable {
    /// Every patient (front desk and administrator: demographics only).
    case all
    /// The patients whose care team the user is on, plus unexpired break-glass grants.
    case careTeamOf(UUID, now: Date)
}

/// What the access rule needs to know about one user and one patient.
public struct PatientRelation: Sendable, Equatable {
    public var exists: Bool
    public var onTeam: Bool
    public var breakGlass: Bool
}

public struct PatientStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// The words a name is found by: each word of the folded given and family names, and the same
    /// words without apostrophes ("o'neil" is also found as "oneil").
    static func searchTerms(_ d: PatientDemographics) -> Set<String> {
        var terms = Set<String>()
        for name in [d.givenName, d.familyName] {
            for word in Text.searchKey(name).split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "," }) {
                let w = String(word)
                terms.insert(w)
                let bare = w.filter { $0 != "'" && $0 != "’" }
                if !bare.isEmpty { terms.insert(bare) }
            }
        }
        return terms
    }

    /// The list order as one string: family, given, id (control characters never occur in names).
    static func sortKey(_ d: PatientDemographics, _ id: UUID) -> String {
        Text.searchKey(d.familyName) + "\u{1}" + Text.searchKey(d.givenName) + "\u{1}" + id.uuidString.lowercased()
    }

    /// The name's words grouped by their first two letters: " word word " per prefix.
    static func prefixRows(_ d: PatientDemographics) -> [(prefix: String, terms: String)] {
        Dictionary(grouping: Self.searchTerms(d), by: { String($0.prefix(2)) })
            .map { ($0.key, " " + $0.value.sorted().joined(separator: " ") + " ") }
            .sorted { $0.prefix < $1.prefix }
    }

    func writeTerms(_ patientID: UUID, _ d: PatientDemographics) async throws {
        try await PatientSearchTermModel.query(on: self.database).filter(\.$patient.$id == patientID).delete()
        for term in Self.searchTerms(d) {
            let t = PatientSearchTermModel()
            t.$patient.id = patientID
            t.term = term
            try await t.create(on: self.database)
        }
        let sql = self.database.sql
        try await sql.raw("DELETE FROM patient_name_prefixes WHERE patient_id = \(bind: patientID)").run()
        let insert = sql.insert(into: "patient_name_prefixes").columns("id", "patient_id", "prefix2", "sort_key", "terms")
        for row in Self.prefixRows(d) {
            insert.values([SQLBind(UUID()), SQLBind(patientID), SQLBind(row.prefix), SQLBind(Self.sortKey(d, patientID)), SQLBind(row.terms)])
        }
        try await insert.run()
    }

    /// Draws the next record number; the row lock makes it safe across instances.
    func nextRecordNumber() async throws -> String {
        guard let row = try await self.database.sql.raw(
            "UPDATE counters SET value = value + 1 WHERE name = 'record_number' RETURNING value").first() else {
            throw AuditTrailError.missingHead
        }
        return Patient.recordNumber(sequence: try row.decode(column: "value", as: Int.self))
    }

    /// Call inside a transaction.
    public func create(_ d: PatientDemographics) async throws -> Patient {
        let m = PatientModel()
        m.recordNumber = try await self.nextRecordNumber()
        m.apply(d)
        m.active = true
        try await m.create(on: self.database)
        try await self.writeTerms(m.id!, d)
        return m.domain
    }

    public func get(_ id: UUID) async throws -> Patient? {
        try await PatientModel.find(id, on: self.database)?.domain
    }

    public func find(recordNumber: String) async throws -> Patient? {
        try await PatientModel.query(on: self.database).filter(\.$recordNumber == recordNumber.uppercased()).first()?.domain
    }

    /// Call inside a transaction.
    public func update(_ id: UUID, _ d: PatientDemographics) async throws -> Patient? {
        guard let m = try await PatientModel.find(id, on: self.database) else { return nil }
        m.apply(d)
        try await m.save(on: self.database)
        try await self.writeTerms(id, d)
        return m.domain
    }

    public func setActive(_ id: UUID, _ active: Bool) async throws -> Patient? {
        guard let m = try await PatientModel.find(id, on: self.database) else { return nil }
        m.active = active
        try await m.save(on: self.database)
        return m.domain
    }

    /// Patients with the same name and date of birth: a likely duplicate to show before creating another.
    public func likelyDuplicates(of d: PatientDemographics, excluding: UUID? = nil) async throws -> [Patient] {
        var q = PatientModel.query(on: self.database)
            .filter(\.$searchGiven == Text.searchKey(d.givenName))
            .filter(\.$searchFamily == Text.searchKey(d.familyName))
            .filter(\.$dateOfBirth == d.dateOfBirth.description)
        if let excluding { q = q.filter(\.$id != excluding) }
        return try await q.limit(10).all().map(\.domain)
    }

    /// Whether the patient exists, and how the user relates to them, in one round trip (this runs on
    /// every request that names a patient).
    public func relation(patientID: UUID, userID: UUID, now: Date) async throws -> PatientRelation {
        let row = try await self.database.sql.raw("""
            SELECT (SELECT COUNT(*) FROM patients WHERE id = \(bind: patientID)) AS found,
                   (SELECT COUNT(*) FROM care_team_members WHERE patient_id = \(bind: patientID) AND user_id = \(bind: userID)) AS on_team,
                   (SELECT COUNT(*) FROM break_glass_grants WHERE patient_id = \(bind: patientID) AND user_id = \(bind: userID)
                        AND expires_at > \(bind: now)) AS glass
            """).first()
        return PatientRelation(
            exists: try row?.decode(column: "found", as: Int.self) ?? 0 > 0,
            onTeam: try row?.decode(column: "on_team", as: Int.self) ?? 0 > 0,
            breakGlass: try row?.decode(column: "glass", as: Int.self) ?? 0 > 0)
    }

    /// Counting stops here: "1000 or more" is all a list needs, and an exact count of a large team
    /// would cost more than the page itself.
    public static let countLimit = 100

    public func search(_ query: PatientQuery, scope: PatientScope) async throws -> ResultPage<Patient> {
        let sql = self.database.sql
        let dialect = Dialect(self.database)
        var parts: [SQLQueryString] = ["1 = 1"]
        if !query.includeInactive { parts.append("p.active = \(bind: true)") }
        if case .careTeamOf(let userID, let now) = scope {
            // One correlated EXISTS: an index probe per candidate row. (An OR of two EXISTS makes
            // PostgreSQL hash the user's whole team on every search.)
            parts.append("""
                EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = p.id AND c.user_id = \(bind: userID)
                        UNION ALL
                        SELECT 1 FROM break_glass_grants g WHERE g.patient_id = p.id AND g.user_id = \(bind: userID)
                        AND g.expires_at > \(bind: now))
                """)
        }
        // With a name of two letters or more, the first word is matched through its two-letter prefix
        // in list order (patient_name_prefixes), so the query stops after a page; other words filter.
        let terms = Array(query.nameTerms.prefix(5))
        let leading = terms.first.flatMap { $0.count >= 2 ? $0 : nil }
        for term in terms.dropFirst(leading == nil ? 0 : 1) {
            // A prefix match as a byte range, so that both engines use the index. U+10FFFF sorts after
            // every other code point in UTF-8 byte order.
            let upper = term + "\u{10FFFF}"
            switch dialect {
            case .postgres:
                parts.append(#"p.id IN (SELECT patient_id FROM patient_search_terms WHERE term COLLATE "C" >= \#(bind: term) AND term COLLATE "C" < \#(bind: upper))"#)
            case .sqlite:
                parts.append("p.id IN (SELECT patient_id FROM patient_search_terms WHERE term >= \(bind: term) AND term < \(bind: upper))")
            }
        }
        if let dob = query.dateOfBirth { parts.append("p.date_of_birth = \(bind: dob.description)") }
        if let record = query.recordNumber { parts.append("p.record_number = \(bind: record)") }
        if let digits = query.phoneDigits { parts.append("p.phone_digits LIKE \(bind: "%" + digits + "%")") }
        let filter = parts.joined(separator: " AND ")

        let source: SQLQueryString
        let order: SQLQueryString
        if let leading {
            let escaped = leading.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            // A two-letter word is the prefix itself: no LIKE, whose selectivity guess would steer
            // PostgreSQL away from the ordered index walk.
            let words: SQLQueryString = leading.count == 2 ? "" : "n.terms LIKE \(bind: "% " + escaped + "%") ESCAPE '\\' AND"
            source = """
                patient_name_prefixes n JOIN patients p ON p.id = n.patient_id
                WHERE n.prefix2 = \(bind: String(leading.prefix(2))) AND \(words)
                """
            order = "n.sort_key"
        } else {
            source = "patients p WHERE"
            order = "p.search_family, p.search_given, p.id"
        }
        // Sort only keys, then read the page's rows.
        let offset = (query.page - 1) * query.perPage
        let ids = try await sql.raw("""
            SELECT p.id FROM \(source) \(filter)
            ORDER BY \(order)
            LIMIT \(bind: query.perPage) OFFSET \(bind: offset)
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        // A page that is not full ends the list, so it gives the exact count; only a full (or an empty
        // later) page needs counting, and counting stops at the cap.
        var counted = offset + ids.count
        if ids.count == query.perPage || (ids.isEmpty && offset > 0) {
            counted = try await sql.raw("""
                SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM \(source) \(filter) LIMIT \(bind: Self.countLimit + 1)) matches
                """).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        let models = ids.isEmpty ? [] : try await PatientModel.query(on: self.database).filter(\.$id ~~ ids).all()
        let byID = Dictionary(uniqueKeysWithValues: models.map { ($0.id!, $0.domain) })
        let items = ids.compactMap { byID[$0] }
        return ResultPage(items: items, page: query.page, perPage: query.perPage,
                          total: min(counted, Self.countLimit), totalIsExact: counted <= Self.countLimit)
    }

    // MARK: Care team

    public func careTeam(_ patientID: UUID) async throws -> [CareTeamMember] {
        try await CareTeamMemberModel.query(on: self.database).filter(\.$patient.$id == patientID)
            .with(\.$user).sort(\.$createdAt).all()
            .map { CareTeamMember(user: $0.user.domain, isPrimary: $0.isPrimary) }
            .sorted { ($0.isPrimary ? 0 : 1, $0.user.displayName) < ($1.isPrimary ? 0 : 1, $1.user.displayName) }
    }

    /// Replaces the care team. Call inside a transaction; validate with `CareTeamRules` first.
    public func setCareTeam(_ patientID: UUID, _ members: [CareTeamMember], now: Date) async throws {
        try await CareTeamMemberModel.query(on: self.database).filter(\.$patient.$id == patientID).delete()
        for member in members {
            let m = CareTeamMemberModel()
            m.$patient.id = patientID
            m.$user.id = member.user.id
            m.isPrimary = member.isPrimary
            m.createdAt = now
            try await m.create(on: self.database)
        }
    }

    public func addToCareTeam(_ patientID: UUID, userID: UUID, primary: Bool, now: Date) async throws {
        let m = CareTeamMemberModel()
        m.$patient.id = patientID
        m.$user.id = userID
        m.isPrimary = primary
        m.createdAt = now
        try await m.create(on: self.database)
    }

    // MARK: Break-glass

    public func grantBreakGlass(patientID: UUID, userID: UUID, reason: String, now: Date, expires: Date) async throws {
        let m = BreakGlassGrantModel()
        m.$patient.id = patientID
        m.$user.id = userID
        m.reason = reason
        m.grantedAt = now
        m.expiresAt = expires
        try await m.create(on: self.database)
    }

    /// Creates many patients with their care teams in a few multi-row statements (demo and benchmark
    /// data; one round trip per table instead of one per row). Call inside a transaction.
    public func bulkCreate(_ patients: [(PatientDemographics, [CareTeamMember])], now: Date) async throws {
        guard !patients.isEmpty else { return }
        let sql = self.database.sql
        guard let row = try await sql.raw(
            "UPDATE counters SET value = value + \(bind: patients.count) WHERE name = 'record_number' RETURNING value").first() else {
            throw AuditTrailError.missingHead
        }
        let first = try row.decode(column: "value", as: Int.self) - patients.count + 1
        let ids = patients.map { _ in UUID() }
        let insertPatients = sql.insert(into: PatientModel.schema).columns(
            "id", "created_at", "updated_at", "record_number", "given_name", "family_name", "search_given", "search_family",
            "date_of_birth", "sex", "phone", "phone_digits", "email", "address_line", "city", "state", "postal_code", "active")
        let insertTerms = sql.insert(into: PatientSearchTermModel.schema).columns("id", "patient_id", "term")
        let insertTeam = sql.insert(into: CareTeamMemberModel.schema).columns("id", "created_at", "patient_id", "user_id", "is_primary")
        let insertPrefixes = sql.insert(into: "patient_name_prefixes").columns("id", "patient_id", "prefix2", "sort_key", "terms")
        for (i, (d, team)) in patients.enumerated() {
            let values: [any Encodable & Sendable] = [
                ids[i], now, now, Patient.recordNumber(sequence: first + i), d.givenName, d.familyName,
                Text.searchKey(d.givenName), Text.searchKey(d.familyName), d.dateOfBirth.description, d.sex.rawValue,
                d.phone, d.phone.map(Text.digits), d.email, d.addressLine, d.city, d.state, d.postalCode, true,
            ]
            insertPatients.values(values.map { SQLBind($0) })
            for term in Self.searchTerms(d) {
                insertTerms.values([SQLBind(UUID()), SQLBind(ids[i]), SQLBind(term)])
            }
            for m in team {
                insertTeam.values([SQLBind(UUID()), SQLBind(now), SQLBind(ids[i]), SQLBind(m.user.id), SQLBind(m.isPrimary)])
            }
            for row in Self.prefixRows(d) {
                insertPrefixes.values([SQLBind(UUID()), SQLBind(ids[i]), SQLBind(row.prefix), SQLBind(Self.sortKey(d, ids[i])), SQLBind(row.terms)])
            }
        }
        try await insertPatients.run()
        try await insertTerms.run()
        try await insertTeam.run()
        try await insertPrefixes.run()
    }

    /// Refreshes the planner's statistics after a bulk load (autovacuum and SQLite's own checks
    /// would get there later; a benchmark or a fresh import should not wait for them).
    public func analyze() async throws {
        try await self.database.sql.raw("ANALYZE").run()
    }

    public func count() async throws -> Int {
        try await PatientModel.query(on: self.database).count()
    }
}
