import Fluent
import Foundation
import KnotworkCore
import SQLKit

/// A plan of care as stored: the validated plan, its revision number and certification.
public struct StoredPlan: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var patientID: UUID
    public var plan: PlanOfCare
    public var revision: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var certification: Certification?
}

/// A note as stored. `body` is the draft as typed (a `SessionNoteInput`, so that nothing typed is lost even when it
/// does not validate yet) until the note is signed, and the validated note afterwards.
public struct StoredNote: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var patientID: UUID
    public var planID: UUID?
    public var kind: String
    public var authorID: UUID
    public var authorName: String
    public var idempotencyKey: String
    public var body: String
    public var sessionStart: Date?
    public var sessionEnd: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var signedAt: Date?
    public var signature: String?
    public var canonical: String?
    public var late: Bool

    public var isSigned: Bool { self.signedAt != nil }

    public func decode<V: Decodable>(_ type: V.Type) throws -> V { try StoredJSON.decode(type, self.body) }
}

public struct StoredAddendum: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var noteID: UUID
    public var authorID: UUID
    public var authorName: String
    public var text: String
    public var signedAt: Date
    public var signature: String
}

public enum CareStoreError: Error, Equatable {
    case notFound
    /// The note is signed: it cannot change (HTTP 409).
    case noteIsSigned
    /// Only a signed note takes an addendum (HTTP 409).
    case noteNotSigned
    /// Only the author edits or signs their note.
    case notTheAuthor
    /// The draft was saved again between its validation and its signature (HTTP 409: sign again).
    case draftChanged
    /// The idempotency key already names the author's note of another kind (HTTP 409).
    case keyInUse
}

extension StoredPlan {
    /// The one mapping of a stored plan, from its columns (the Fluent model and plain rows).
    init(id: UUID, patientID: UUID, body: String, revision: Int, createdAt: Date, updatedAt: Date, certification: String?) throws {
        self.init(id: id, patientID: patientID, plan: try StoredJSON.decode(PlanOfCare.self, body), revision: revision, createdAt: createdAt,
                  updatedAt: updatedAt, certification: try certification.map { try StoredJSON.decode(Certification.self, $0) })
    }

    /// The columns `init(row:)` reads (plain rows skip Fluent's per-model reflection; the chart reads plans on every request).
    static let columns = ["id", "patient_id", "revision", "body", "created_at", "updated_at", "certification"]

    init(row: any SQLRow) throws {
        try self.init(id: row.decode(column: "id", as: UUID.self), patientID: row.decode(column: "patient_id", as: UUID.self),
                      body: row.decode(column: "body", as: String.self), revision: row.decode(column: "revision", as: Int.self),
                      createdAt: row.decode(column: "created_at", as: Date.self), updatedAt: row.decode(column: "updated_at", as: Date.self),
                      certification: row.decode(column: "certification", as: String?.self))
    }
}

extension CarePlanModel {
    func stored() throws -> StoredPlan {
        try StoredPlan(id: self.id!, patientID: self.patientID, body: self.body, revision: self.revision, createdAt: self.createdAt,
                       updatedAt: self.updatedAt, certification: self.certification)
    }
}

extension NoteAddendumModel {
    var stored: StoredAddendum {
        StoredAddendum(id: self.id!, noteID: self.noteID, authorID: self.authorID, authorName: self.authorName, text: self.text,
                       signedAt: self.signedAt, signature: self.signature)
    }
}

/// The one signature rule: SHA-256 over the canonical text, lower-case hex.
public enum NoteSignature {
    public static func hash(_ canonical: String) -> String {
        Digest.sha256Hex(canonical)
    }

    /// A signed note verifies when its stored canonical text still hashes to its signature.
    public static func verify(_ note: StoredNote) -> Bool {
        guard let canonical = note.canonical, let signature = note.signature else { return false }
        return Self.hash(canonical) == signature
    }
}

/// Plans of care (with every revision kept) and notes (drafts, signatures, addenda). Called inside the
/// audited transaction of the action that uses it.
public struct CareStore: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    // MARK: plans

    public func createPlan(_ plan: PlanOfCare, patientID: UUID, by recorder: Recorder, at now: Date) async throws -> StoredPlan {
        let row = CarePlanModel()
        row.id = UUID()
        row.patientID = patientID
        row.status = plan.status.rawValue
        row.revision = 1
        row.body = try StoredJSON.encode(plan)
        row.createdAt = now
        row.createdBy = recorder.userID
        row.updatedAt = now
        try await row.create(on: self.database)
        try await self.appendRevision(PlanRevision(number: 1, at: now, by: recorder.name, changes: []), planID: row.id!, snapshot: plan,
                                      by: recorder)
        return try row.stored()
    }

    /// Saves a changed plan as a new revision; an unchanged plan writes nothing.
    public func revisePlan(_ id: UUID, patientID: UUID, to plan: PlanOfCare, by recorder: Recorder, at now: Date) async throws -> StoredPlan {
        guard let row = try await CarePlanModel.query(on: self.database).filter(\.$id == id).filter(\.$patientID == patientID).first() else {
            throw CareStoreError.notFound
        }
        let old = try StoredJSON.decode(PlanOfCare.self, row.body)
        let changes = PlanOfCare.diff(old, plan)
        guard !changes.isEmpty else { return try row.stored() }
        row.revision += 1
        row.status = plan.status.rawValue
        row.body = try StoredJSON.encode(plan)
        row.updatedAt = now
        try await row.update(on: self.database)
        try await self.appendRevision(PlanRevision(number: row.revision, at: now, by: recorder.name, changes: changes), planID: id,
                                      snapshot: plan, by: recorder)
        return try row.stored()
    }

    func appendRevision(_ revision: PlanRevision, planID: UUID, snapshot: PlanOfCare, by recorder: Recorder) async throws {
        let r = CarePlanRevisionModel()
        r.id = UUID()
        r.planID = planID
        r.number = revision.number
        r.at = revision.at
        r.byID = recorder.userID
        r.byName = recorder.name
        r.changes = try StoredJSON.encode(revision.changes)
        r.snapshot = try StoredJSON.encode(snapshot)
        try await r.create(on: self.database)
    }

    public func plans(of patientID: UUID) async throws -> [StoredPlan] {
        try await self.database.sql.select().columns(StoredPlan.columns).from(CarePlanModel.schema).where("patient_id", .equal, patientID)
            .orderBy("created_at", .descending).all().map(StoredPlan.init(row:))
    }

    public func plan(_ id: UUID, of patientID: UUID) async throws -> StoredPlan? {
        try await self.database.sql.select().columns(StoredPlan.columns).from(CarePlanModel.schema).where("id", .equal, id)
            .where("patient_id", .equal, patientID).first().map(StoredPlan.init(row:))
    }

    /// Every revision of a plan, oldest first.
    public func revisions(of planID: UUID) async throws -> [PlanRevision] {
        try await CarePlanRevisionModel.query(on: self.database).filter(\.$planID == planID).sort(\.$number).all()
            .map { PlanRevision(number: $0.number, at: $0.at, by: $0.byName, changes: try StoredJSON.decode([PlanChange].self, $0.changes)) }
    }

    /// The care team's medical provider certifies the plan (signed and dated).
    public func certify(_ id: UUID, patientID: UUID, _ certification: Certification, at now: Date) async throws -> StoredPlan {
        guard let row = try await CarePlanModel.query(on: self.database).filter(\.$id == id).filter(\.$patientID == patientID).first() else {
            throw CareStoreError.notFound
        }
        row.certifiedBy = certification.providerID
        row.certifiedAt = certification.signedAt
        row.certification = try StoredJSON.encode(certification)
        row.updatedAt = now
        try await row.update(on: self.database)
        return try row.stored()
    }

    /// What the worklist needs to tell whether a re-evaluation is due: each active or maintenance plan of the patients on
    /// a user's care team, the patient's name, the date of their latest assessment and the dates of their sessions since.
    /// Three queries, whatever the number of patients.
    public struct PlanForWorklist: Sendable {
        public var plan: StoredPlan
        public var patientName: String
        public var lastEvaluation: CalendarDate?
        public var sessions: [CalendarDate]
        /// When the patient's last progress report was signed.
        public var lastReport: Date?
    }

    public func worklistPlans(onTeamOf userID: UUID, limit: Int = 500) async throws -> [PlanForWorklist] {
        let open = [PlanStatus.active, .maintenance].map(\.rawValue)
        let rows = try await self.database.sql.raw("""
            SELECT p.id, p.patient_id, p.revision, p.body, p.created_at, p.updated_at, p.certification, pt.given_name, pt.family_name
            FROM \(ident: CarePlanModel.schema) p
            JOIN care_team_members m ON m.patient_id = p.patient_id
            JOIN \(ident: PatientModel.schema) pt ON pt.id = p.patient_id
            WHERE m.user_id = \(bind: userID) AND p.status IN (\(bind: open[0]), \(bind: open[1]))
            ORDER BY p.updated_at DESC LIMIT \(literal: limit)
            """).all()
        guard !rows.isEmpty else { return [] }
        let plans = try rows.map(StoredPlan.init(row:))
        let patients = Array(Set(plans.map(\.patientID)))
        struct LastRow: Decodable { var patient_id: UUID; var last: String? }
        let last = try await self.database.sql.select()
            .column("patient_id").column(SQLFunction("MAX", args: SQLIdentifier("assessed_on")), as: "last")
            .from(AssessmentModel.schema).where("patient_id", .in, patients).groupBy("patient_id")
            .all(decoding: LastRow.self)
        var lastBy: [UUID: CalendarDate] = [:]
        for r in last { lastBy[r.patient_id] = r.last.flatMap(CalendarDate.init) }
        struct SessionRow: Decodable { var patient_id: UUID; var session_start: Date }
        let sessions = try await self.database.sql.select().columns("patient_id", "session_start").from(SessionNoteModel.schema)
            .where("patient_id", .in, patients).where("kind", .equal, "session").where("session_start", .isNot, SQLLiteral.null)
            .all(decoding: SessionRow.self)
        var sessionsBy: [UUID: [CalendarDate]] = [:]
        for r in sessions { sessionsBy[r.patient_id, default: []].append(CalendarDate(r.session_start)) }
        struct ReportRow: Decodable { var patient_id: UUID; var signed_at: Date }
        let reports = try await self.database.sql.select().columns("patient_id", "signed_at").from(SessionNoteModel.schema)
            .where("patient_id", .in, patients).where("kind", .equal, "progress-report").where("signed_at", .isNot, SQLLiteral.null)
            .all(decoding: ReportRow.self)
        var reportBy: [UUID: Date] = [:]
        for r in reports { reportBy[r.patient_id] = max(reportBy[r.patient_id] ?? r.signed_at, r.signed_at) }
        return try zip(rows, plans).map { row, plan in
            PlanForWorklist(plan: plan, patientName: "\(try row.decode(column: "given_name", as: String.self)) \(try row.decode(column: "family_name", as: String.self))",
                            lastEvaluation: lastBy[plan.patientID], sessions: sessionsBy[plan.patientID] ?? [], lastReport: reportBy[plan.patientID])
        }
    }

    // MARK: notes

    /// Saves a draft as the therapist types. The same idempotency key from the same author always names the
    /// same note, so a submit repeated after a dropped connection creates nothing twice; a signed note is
    /// returned unchanged.
    public func saveDraft<Body: Encodable>(_ body: Body, patientID: UUID, planID: UUID?, kind: String, idempotencyKey: String,
                                           sessionStart: Date?, sessionEnd: Date?, by author: Recorder, at now: Date) async throws -> (note: StoredNote, created: Bool) {
        if let existing = try await self.selectNotes().where("author_id", .equal, author.userID).where("idempotency_key", .equal, idempotencyKey)
            .first().map({ [uuids = UUIDColumns(self.database)] in try Self.note($0, uuids) }) {
            guard existing.patientID == patientID else { throw CareStoreError.notFound }
            guard existing.kind == kind else { throw CareStoreError.keyInUse }
            if existing.isSigned { return (existing, false) }
            return (try await self.replaceDraft(existing, planID: planID, body: body, sessionStart: sessionStart, sessionEnd: sessionEnd, at: now), false)
        }
        let note = StoredNote(id: UUID(), patientID: patientID, planID: planID, kind: kind, authorID: author.userID, authorName: author.name,
                              idempotencyKey: idempotencyKey, body: try StoredJSON.encode(body), sessionStart: sessionStart, sessionEnd: sessionEnd,
                              createdAt: now, updatedAt: now, signedAt: nil, signature: nil, canonical: nil, late: false)
        try await self.database.sql.insert(into: SessionNoteModel.schema)
            .columns("id", "patient_id", "plan_id", "kind", "author_id", "author_name", "idempotency_key", "body", "session_start", "session_end",
                     "created_at", "updated_at", "late")
            .values(SQLBind(note.id), SQLBind(patientID), SQLBind(planID), SQLBind(kind), SQLBind(author.userID), SQLBind(author.name),
                    SQLBind(idempotencyKey), SQLBind(note.body), SQLBind(sessionStart), SQLBind(sessionEnd), SQLBind(now), SQLBind(now), SQLBind(false))
            .run()
        return (note, true)
    }

    /// A patient's note; with `kinds`, only one of those kinds (another kind is not found: the session-note routes
    /// never read or change a progress report or a team note, which have routes of their own).
    public func note(_ id: UUID, of patientID: UUID, kinds: Set<String>? = nil) async throws -> StoredNote? {
        try await self.selectNotes().where("id", .equal, id).where("patient_id", .equal, patientID).kinds(kinds)
            .first().map { [uuids = UUIDColumns(self.database)] in try Self.note($0, uuids) }
    }

    /// A patient's notes, newest session first. Without `bodies`, each comes with an empty body and no canonical text
    /// (a timeline needs neither, and a two-year chart would copy a megabyte of them).
    public func notes(of patientID: UUID, limit: Int = 500, bodies: Bool = true, kinds: Set<String>? = nil) async throws -> [StoredNote] {
        try await self.selectNotes(bodies: bodies).where("patient_id", .equal, patientID).kinds(kinds)
            .orderBy("session_start", .descending).orderBy("created_at", .descending).limit(limit)
            .all().map { [uuids = UUIDColumns(self.database)] in try Self.note($0, uuids) }
    }

    /// An author's unsigned notes whose session ended before `before` (the "older than 24 hours" list).
    public func unsigned(by authorID: UUID, endedBefore before: Date) async throws -> [StoredNote] {
        try await self.selectNotes().where("author_id", .equal, authorID).where("signed_at", .is, SQLLiteral.null)
            .where("session_end", .lessThan, before).orderBy("session_end")
            .all().map { [uuids = UUIDColumns(self.database)] in try Self.note($0, uuids) }
    }

    /// Notes as plain rows: the columns `note(_:)` reads. Reads skip Fluent's model machinery, which cost a
    /// signing more CPU than the signing itself (the signing benchmark's profile).
    func selectNotes(bodies: Bool = true) -> SQLSelectBuilder {
        self.database.sql.select()
            .columns("id", "patient_id", "plan_id", "kind", "author_id", "author_name", "idempotency_key")
            .column(bodies ? SQLIdentifier("body") : SQLLiteral.string(""), as: "body")
            .columns("session_start", "session_end", "created_at", "updated_at", "signed_at", "signature")
            .column(bodies ? SQLIdentifier("canonical") : SQLLiteral.null, as: "canonical")
            .column("late")
            .from(SessionNoteModel.schema)
    }

    /// A note from its plain row, column by column (decoding a `Decodable` row struct cost a chart of 100 notes a fifth of
    /// its time). The one mapping of a stored note's row.
    static func note(_ row: any SQLRow, _ uuids: UUIDColumns) throws -> StoredNote {
        StoredNote(id: try uuids.required(row, "id"), patientID: try uuids.required(row, "patient_id"),
                   planID: try uuids.decode(row, "plan_id"), kind: try row.decode(column: "kind", as: String.self),
                   authorID: try uuids.required(row, "author_id"), authorName: try row.decode(column: "author_name", as: String.self),
                   idempotencyKey: try row.decode(column: "idempotency_key", as: String.self), body: try row.decode(column: "body", as: String.self),
                   sessionStart: try row.decode(column: "session_start", as: Date?.self), sessionEnd: try row.decode(column: "session_end", as: Date?.self),
                   createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self),
                   signedAt: try row.decode(column: "signed_at", as: Date?.self), signature: try row.decode(column: "signature", as: String?.self),
                   canonical: try row.decode(column: "canonical", as: String?.self), late: try row.decode(column: "late", as: Bool.self))
    }

    /// Signs a draft: `validated` turns the draft into the note's final body and its canonical text; the signature is
    /// SHA-256 over that text. A signed note is refused (`noteIsSigned`), here and by the database's own trigger.
    public func sign<Final: Encodable>(_ id: UUID, patientID: UUID, by author: Recorder, at now: Date, lateAfter threshold: TimeInterval,
                                       _ validated: (StoredNote) throws -> (body: Final, canonical: String)) async throws -> StoredNote {
        let draft = try await self.draftToSign(id, patientID: patientID, by: author)
        let (body, canonical) = try validated(draft)
        return try await self.commitSignature(draft, body: body, canonical: canonical, at: now, lateAfter: threshold)
    }

    /// The draft its author may sign: `notFound`, `noteIsSigned` or `notTheAuthor` otherwise.
    public func draftToSign(_ id: UUID, patientID: UUID, by author: Recorder, kinds: Set<String>? = nil) async throws -> StoredNote {
        guard let note = try await self.note(id, of: patientID, kinds: kinds) else { throw CareStoreError.notFound }
        guard !note.isSigned else { throw CareStoreError.noteIsSigned }
        guard note.authorID == author.userID else { throw CareStoreError.notTheAuthor }
        return note
    }

    /// Signs `draft` with its validated body, if it is still unsigned and unchanged: the text that was validated is the
    /// text that is signed. A draft saved meanwhile is `draftChanged`; a note signed meanwhile (on PostgreSQL a
    /// concurrent signer waits for this row, then finds it signed) is `noteIsSigned`.
    public func commitSignature<Final: Encodable>(_ draft: StoredNote, body: Final, canonical: String, at now: Date,
                                                  lateAfter threshold: TimeInterval) async throws -> StoredNote {
        var note = draft
        note.body = try StoredJSON.encode(body)
        note.canonical = canonical
        note.signature = NoteSignature.hash(canonical)
        note.signedAt = now
        note.updatedAt = now
        note.late = LateEntry.isLate(sessionDate: note.sessionEnd ?? note.createdAt, signedAt: now, threshold: threshold)
        let signed = try await self.database.sql.update(SessionNoteModel.schema)
            .set("body", to: note.body).set("canonical", to: canonical).set("signature", to: note.signature)
            .set("signed_at", to: now).set("updated_at", to: now).set("late", to: note.late)
            .where("id", .equal, draft.id).where("signed_at", .is, SQLLiteral.null).where("body", .equal, draft.body)
            .returning("id").all()
        guard signed.isEmpty else { return note }
        guard let current = try await self.note(draft.id, of: draft.patientID) else { throw CareStoreError.notFound }
        throw current.isSigned ? CareStoreError.noteIsSigned : CareStoreError.draftChanged
    }

    /// Refuses any change to a signed note before it reaches the database (which refuses it too).
    public func updateDraft<Body: Encodable>(_ id: UUID, patientID: UUID, body: Body, sessionStart: Date?, sessionEnd: Date?, by author: Recorder,
                                             at now: Date) async throws -> StoredNote {
        guard let existing = try await self.note(id, of: patientID) else { throw CareStoreError.notFound }
        return try await self.updateDraft(existing, body: body, sessionStart: sessionStart, sessionEnd: sessionEnd, by: author, at: now)
    }

    /// The same, for a draft the caller has just read (and checked).
    public func updateDraft<Body: Encodable>(_ existing: StoredNote, body: Body, sessionStart: Date?, sessionEnd: Date?, by author: Recorder,
                                             at now: Date) async throws -> StoredNote {
        guard !existing.isSigned else { throw CareStoreError.noteIsSigned }
        guard existing.authorID == author.userID else { throw CareStoreError.notTheAuthor }
        return try await self.replaceDraft(existing, planID: existing.planID, body: body, sessionStart: sessionStart, sessionEnd: sessionEnd, at: now)
    }

    /// The one draft update: the body as typed, the plan and the session's times. Only an unsigned note changes; one
    /// signed meanwhile is `noteIsSigned`.
    private func replaceDraft<Body: Encodable>(_ draft: StoredNote, planID: UUID?, body: Body, sessionStart: Date?, sessionEnd: Date?,
                                               at now: Date) async throws -> StoredNote {
        var note = draft
        note.planID = planID
        note.body = try StoredJSON.encode(body)
        note.sessionStart = sessionStart
        note.sessionEnd = sessionEnd
        note.updatedAt = now
        let saved = try await self.database.sql.update(SessionNoteModel.schema)
            .set("plan_id", to: SQLBind(planID)).set("body", to: note.body).set("session_start", to: SQLBind(sessionStart))
            .set("session_end", to: SQLBind(sessionEnd)).set("updated_at", to: now)
            .where("id", .equal, draft.id).where("signed_at", .is, SQLLiteral.null)
            .returning("id").all()
        guard !saved.isEmpty else { throw CareStoreError.noteIsSigned }
        return note
    }

    /// A dated, signed addendum to a signed note; the note itself is untouched.
    public func addAddendum(_ addendum: SessionNoteAddendum, to noteID: UUID, patientID: UUID, by author: Recorder, at now: Date,
                            kinds: Set<String>? = nil) async throws -> StoredAddendum {
        guard let note = try await self.note(noteID, of: patientID, kinds: kinds) else { throw CareStoreError.notFound }
        guard note.isSigned else { throw CareStoreError.noteNotSigned }
        let id = UUID()
        let canonical = addendum.canonicalForm(patientID: patientID, addendumID: id, amends: noteID, amendedNoteHash: note.signature,
                                               author: author.userID, signedAt: now)
        let row = NoteAddendumModel()
        row.id = id
        row.noteID = noteID
        row.patientID = patientID
        row.authorID = author.userID
        row.authorName = author.name
        row.text = addendum.text
        row.signedAt = now
        row.canonical = canonical
        row.signature = NoteSignature.hash(canonical)
        try await row.create(on: self.database)
        return StoredAddendum(id: id, noteID: noteID, authorID: author.userID, authorName: author.name, text: addendum.text,
                              signedAt: now, signature: row.signature)
    }

    public func addenda(of noteID: UUID) async throws -> [StoredAddendum] {
        try await NoteAddendumModel.query(on: self.database).filter(\.$noteID == noteID).sort(\.$signedAt).all().map(\.stored)
    }

    /// Every addendum of a patient's notes, newest first (the chart's timeline).
    public func addenda(ofPatient patientID: UUID, limit: Int = 200) async throws -> [StoredAddendum] {
        try await NoteAddendumModel.query(on: self.database).filter(\.$patientID == patientID).sort(\.$signedAt, .descending)
            .limit(limit).all().map(\.stored)
    }
}

private extension SQLSelectBuilder {
    /// Only notes of `kinds`, when given.
    func kinds(_ kinds: Set<String>?) -> Self {
        guard let kinds else { return self }
        return self.where("kind", .in, kinds.sorted())
    }
}
