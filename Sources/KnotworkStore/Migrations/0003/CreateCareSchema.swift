import Fluent
import Foundation
import SQLKit

// Release 0003: plans of care with their revisions, session notes (drafts, signed notes locked in the
// database itself) and addenda. Never edit once released; add a new migration instead.

struct CreateCareSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await database.schema("care_plans")
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("status", .string, .required)
            .field("revision", .int, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("updated_at", .datetime, .required)
            .field("certified_by", .uuid, .references(UserModel.schema, "id"))
            .field("certified_at", .datetime)
            .field("certification", .string)
            .create()
        try await sql.raw("CREATE INDEX care_plans_patient ON care_plans (patient_id, created_at)").run()
        // Every revision of a plan, kept whole: who, when, what changed, and the plan as it then stood.
        try await database.schema("care_plan_revisions")
            .id()
            .field("plan_id", .uuid, .required, .references("care_plans", "id"))
            .field("number", .int, .required)
            .field("at", .datetime, .required)
            .field("by_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("by_name", .string, .required)
            .field("changes", .string, .required)
            .field("snapshot", .string, .required)
            .unique(on: "plan_id", "number")
            .create()
        try await database.schema("session_notes")
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("plan_id", .uuid, .references("care_plans", "id"))
            .field("kind", .string, .required)
            .field("author_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("author_name", .string, .required)
            .field("idempotency_key", .string, .required)
            .field("body", .string, .required)
            .field("session_start", .datetime)
            .field("session_end", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("signed_at", .datetime)
            .field("signature", .string)
            .field("canonical", .string)
            .field("late", .bool, .required)
            .unique(on: "author_id", "idempotency_key")
            .create()
        try await sql.raw("CREATE INDEX session_notes_patient ON session_notes (patient_id, session_start)").run()
        try await sql.raw("CREATE INDEX session_notes_unsigned ON session_notes (author_id, signed_at)").run()
        try await database.schema("note_addenda")
            .id()
            .field("note_id", .uuid, .required, .references("session_notes", "id"))
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("author_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("author_name", .string, .required)
            .field("text", .string, .required)
            .field("signed_at", .datetime, .required)
            .field("signature", .string, .required)
            .field("canonical", .string, .required)
            .create()
        try await sql.raw("CREATE INDEX note_addenda_note ON note_addenda (note_id)").run()

        // A signed note cannot be changed or deleted by any route, nor by SQL run against the database:
        // the guard is in the database itself. Revisions and addenda are append-only.
        switch Dialect(database) {
        case .sqlite:
            try await sql.raw("""
                CREATE TRIGGER session_notes_signed_no_update BEFORE UPDATE ON session_notes WHEN OLD.signed_at IS NOT NULL
                BEGIN SELECT RAISE(ABORT, 'signed note is locked'); END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER session_notes_signed_no_delete BEFORE DELETE ON session_notes WHEN OLD.signed_at IS NOT NULL
                BEGIN SELECT RAISE(ABORT, 'signed note is locked'); END
                """).run()
            for table in ["care_plan_revisions", "note_addenda"] {
                try await sql.raw(SQLQueryString("CREATE TRIGGER \(unsafeRaw: table)_no_update BEFORE UPDATE ON \(unsafeRaw: table) BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: table) is append-only'); END")).run()
                try await sql.raw(SQLQueryString("CREATE TRIGGER \(unsafeRaw: table)_no_delete BEFORE DELETE ON \(unsafeRaw: table) BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: table) is append-only'); END")).run()
            }
        case .postgres:
            try await sql.raw("""
                CREATE FUNCTION knotwork_signed_note_locked() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'signed note is locked'; END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER session_notes_signed_locked BEFORE UPDATE OR DELETE ON session_notes
                FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) EXECUTE FUNCTION knotwork_signed_note_locked()
                """).run()
            for table in ["care_plan_revisions", "note_addenda"] {
                try await sql.raw(SQLQueryString("CREATE TRIGGER \(unsafeRaw: table)_append_only BEFORE UPDATE OR DELETE ON \(unsafeRaw: table) FOR EACH ROW EXECUTE FUNCTION knotwork_append_only()")).run()
            }
        }

        // Measures taken at a session belong to it (an assessment's have assessment_id instead).
        try await database.schema(ClinicalEntryModel.schema).field("session_id", .uuid).update()
        try await sql.raw("CREATE INDEX clinical_entries_code ON clinical_entries (patient_id, code, recorded_on)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("DROP INDEX clinical_entries_code").run()
        try await database.schema(ClinicalEntryModel.schema).deleteField("session_id").update()
        for table in ["note_addenda", "session_notes", "care_plan_revisions", "care_plans"] {
            try await database.schema(table).delete()
        }
        if Dialect(database) == .postgres {
            try await sql.raw("DROP FUNCTION knotwork_signed_note_locked()").run()
        }
    }
}
