import Foundation
import KnotworkCore
import KnotworkStore
import SQLKit
import Testing
import Vapor
@testable import KnotworkWeb

/// Issue 4's storage guarantees on a real database (SQLite file, or PostgreSQL with TEST_DATABASE=postgres):
/// a signed note cannot be changed by the store nor by SQL run against the database; plan revisions and
/// addenda are append-only; a repeated submit creates nothing twice.
@Suite struct CareStoreTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static let draft = SessionNoteInput(
        subjective: .init(painToday: 6, changesSinceLast: "better", text: "Slept better."),
        interventions: [.init(technique: "myofascial-release", regions: ["lowback.left"], minutes: 30, pressure: "moderate")],
        painAfter: 3, homeCare: ["Knee-to-chest stretch"],
        timeIn: at("2026-09-01T15:00:00Z"), timeOut: at("2026-09-01T16:00:00Z"))

    func recorder(_ clinic: Clinic, _ name: String) -> Recorder {
        Recorder(userID: clinic.user(name).id, name: clinic.user(name).displayName)
    }

    func signed(_ clinic: Clinic, key: String = "k1") async throws -> StoredNote {
        let store = CareStore(database: clinic.app.db)
        let p = clinic.anaPatient!
        let ana = self.recorder(clinic, "ana.lmt")
        let note = try await store.saveDraft(Self.draft, patientID: p.id, planID: nil, kind: "session", idempotencyKey: key,
                                             sessionStart: Self.draft.timeIn, sessionEnd: Self.draft.timeOut, by: ana, at: Self.at("2026-09-01T16:05:00Z")).note
        let signedAt = Self.at("2026-09-01T16:10:00Z")
        return try await store.sign(note.id, patientID: p.id, by: ana, at: signedAt, lateAfter: LateEntry.defaultThreshold) { stored in
            let valid = try stored.decode(SessionNoteInput.self)
                .validated(techniques: Set(TechniqueCatalog.standard.map(\.code)), now: signedAt)
            return (valid, valid.canonicalForm(patientID: p.id, noteID: stored.id, author: ana.userID, signedAt: signedAt))
        }
    }

    @Test func aSignedNoteIsLockedByTheStoreAndByTheDatabase() async throws {
        try await withClinic { clinic in
            let note = try await self.signed(clinic)
            #expect(note.isSigned)
            #expect(note.signature?.count == 64)
            #expect(NoteSignature.verify(note))
            #expect(note.canonical?.hasPrefix("version=\"knotwork-session-note/1\"") == true)
            #expect(!note.late)
            let store = CareStore(database: clinic.app.db)
            let ana = self.recorder(clinic, "ana.lmt")
            await #expect(throws: CareStoreError.noteIsSigned) {
                try await store.updateDraft(note.id, patientID: note.patientID, body: Self.draft, sessionStart: nil, sessionEnd: nil, by: ana, at: Date())
            }
            // The same submit again (same idempotency key) returns the signed note and changes nothing.
            let again = try await store.saveDraft(Self.draft, patientID: note.patientID, planID: nil, kind: "session", idempotencyKey: "k1",
                                                  sessionStart: nil, sessionEnd: nil, by: ana, at: Date())
            #expect(again.note == note && !again.created)
            // Straight SQL is refused by the database's own guard, on both engines.
            let sql = clinic.app.db as! any SQLDatabase
            for statement: SQLQueryString in ["UPDATE session_notes SET body = 'tampered' WHERE id = \(bind: note.id)",
                                              "UPDATE session_notes SET signed_at = NULL WHERE id = \(bind: note.id)",
                                              "DELETE FROM session_notes WHERE id = \(bind: note.id)"] {
                await #expect(throws: (any Error).self) { try await sql.raw(statement).run() }
            }
            let reread = try #require(try await store.note(note.id, of: note.patientID))
            #expect(reread.body == note.body && reread.signature == note.signature && NoteSignature.verify(reread))
        }
    }

    @Test func addendaGoOnlyOnSignedNotesAndAreAppendOnly() async throws {
        try await withClinic { clinic in
            let store = CareStore(database: clinic.app.db)
            let ana = self.recorder(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let draft = try await store.saveDraft(Self.draft, patientID: p.id, planID: nil, kind: "session", idempotencyKey: "d1",
                                                  sessionStart: nil, sessionEnd: nil, by: ana, at: Date()).note
            await #expect(throws: CareStoreError.noteNotSigned) {
                try await store.addAddendum(SessionNoteAddendum(text: "Late detail"), to: draft.id, patientID: p.id, by: ana, at: Date())
            }
            let note = try await self.signed(clinic, key: "k2")
            let addendum = try await store.addAddendum(SessionNoteAddendum(text: "Patient called: soreness gone next day."), to: note.id,
                                                       patientID: p.id, by: ana, at: Self.at("2026-09-02T09:00:00Z"))
            #expect(try await store.addenda(of: note.id).map(\.id) == [addendum.id])
            #expect(try await store.note(note.id, of: p.id)?.body == note.body)
            let sql = clinic.app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE note_addenda SET text = 'x' WHERE id = \(bind: addendum.id)").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM note_addenda WHERE id = \(bind: addendum.id)").run() }
        }
    }

    @Test func aDraftCanChangeUntilSignedAndARepeatedSubmitCreatesNothingTwice() async throws {
        try await withClinic { clinic in
            let store = CareStore(database: clinic.app.db)
            let ana = self.recorder(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let first = try await store.saveDraft(Self.draft, patientID: p.id, planID: nil, kind: "session", idempotencyKey: "same",
                                                  sessionStart: nil, sessionEnd: nil, by: ana, at: Date()).note
            var changed = Self.draft
            changed.painAfter = 2
            let (second, created) = try await store.saveDraft(changed, patientID: p.id, planID: nil, kind: "session", idempotencyKey: "same",
                                                              sessionStart: nil, sessionEnd: nil, by: ana, at: Date())
            #expect(!created)
            #expect(second.id == first.id)
            #expect(try second.decode(SessionNoteInput.self).painAfter == 2)
            #expect(try await store.notes(of: p.id).count == 1)
            // Another author cannot sign it.
            await #expect(throws: CareStoreError.notTheAuthor) {
                try await store.sign(first.id, patientID: p.id, by: self.recorder(clinic, "pat.pt"), at: Date(), lateAfter: 86_400) { _ in ([String](), "x") }
            }
        }
    }

    /// A note is validated before the write begins (AuditTrail.perform(prepare:)); what is signed must be exactly the
    /// draft that was validated, and a note signed meanwhile is a conflict, never a second signature.
    @Test func onlyTheValidatedDraftIsSignedAndOnlyOnce() async throws {
        try await withClinic { clinic in
            let store = CareStore(database: clinic.app.db)
            let p = clinic.anaPatient!
            let ana = self.recorder(clinic, "ana.lmt")
            let now = Self.at("2026-09-01T16:10:00Z")
            let techniques = Set(TechniqueCatalog.standard.map(\.code))
            let saved = try await store.saveDraft(Self.draft, patientID: p.id, planID: nil, kind: "session", idempotencyKey: "race",
                                                  sessionStart: Self.draft.timeIn, sessionEnd: Self.draft.timeOut, by: ana, at: now).note
            let read = try await store.draftToSign(saved.id, patientID: p.id, by: ana)
            let valid = try Self.draft.validated(techniques: techniques, now: now)
            let canonical = valid.canonicalForm(patientID: p.id, noteID: saved.id, author: ana.userID, signedAt: now)
            // The therapist's background save lands between the read and the signature.
            var typed = Self.draft
            typed.painAfter = 1
            _ = try await store.updateDraft(saved.id, patientID: p.id, body: typed, sessionStart: typed.timeIn, sessionEnd: typed.timeOut, by: ana, at: now)
            await #expect(throws: CareStoreError.draftChanged) {
                try await store.commitSignature(read, body: valid, canonical: canonical, at: now, lateAfter: LateEntry.defaultThreshold)
            }
            #expect(try await store.note(saved.id, of: p.id)?.isSigned == false)
            // Read again, signed once; the stale read of the same draft then finds it signed.
            let fresh = try await store.draftToSign(saved.id, patientID: p.id, by: ana)
            let signed = try await store.commitSignature(fresh, body: valid, canonical: canonical, at: now, lateAfter: LateEntry.defaultThreshold)
            #expect(NoteSignature.verify(signed))
            await #expect(throws: CareStoreError.noteIsSigned) {
                try await store.commitSignature(fresh, body: valid, canonical: canonical, at: now, lateAfter: LateEntry.defaultThreshold)
            }
            #expect(try await store.note(saved.id, of: p.id)?.signature == signed.signature)
        }
    }

    @Test func everyPlanRevisionIsKeptAndCannotBeRewritten() async throws {
        try await withClinic { clinic in
            let store = CareStore(database: clinic.app.db)
            let ana = self.recorder(clinic, "ana.lmt")
            let p = clinic.anaPatient!
            let input = PlanOfCareInput(
                problems: [ProblemInput(icd10: "M54.50")],
                goals: [GoalInput(description: "Less pain interference", measure: GoalMeasureInput(kind: "instrument", code: "PEG"),
                                  baseline: 6, target: 3, targetDate: "2026-11-01")],
                techniques: [PlannedTechniqueInput(technique: "myofascial-release", regions: ["lowback.left", "lowback.right"])],
                frequencyPerWeek: 1, durationWeeks: 8, start: "2026-09-01", reEvaluationDate: "2026-09-29",
                endGoal: "Drive an hour without low back pain.", dischargeCriteria: "PEG 3 or less.")
            let plan = try input.validated(today: CalendarDate("2026-09-01")!, birthDate: p.dateOfBirth, techniques: TechniqueCatalog.standard)
            let created = try await store.createPlan(plan, patientID: p.id, by: ana, at: Date())
            #expect(created.revision == 1)
            var weekly = plan
            weekly.frequencyPerWeek = 2
            let revised = try await store.revisePlan(created.id, patientID: p.id, to: weekly, by: ana, at: Date())
            #expect(revised.revision == 2)
            let same = try await store.revisePlan(created.id, patientID: p.id, to: weekly, by: ana, at: Date())
            #expect(same.revision == 2)                                  // nothing changed, nothing written
            let history = try await store.revisions(of: created.id)
            #expect(history.map(\.number) == [1, 2])
            #expect(history.last?.changes.contains { $0.field.contains("frequency") } == true)
            let sql = clinic.app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE care_plan_revisions SET changes = '[]'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM care_plan_revisions").run() }
        }
    }
}
