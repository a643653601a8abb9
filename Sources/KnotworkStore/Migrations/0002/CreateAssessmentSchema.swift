import Fluent
import Foundation
import KnotworkCore
import SQLKit

// Release 0002: assessment (intake, safety screen, pain maps, trigger points, range of motion,
// outcome measures, root cause). Never edit once released; add a new migration instead.

struct CreateAssessments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AssessmentModel.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("kind", .string, .required)
            .field("assessed_on", .string, .required)
            .field("summary", .string, .required)
            .field("clinician_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("clinician_name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX assessments_patient ON assessments (patient_id, assessed_on)").run()

        // One row per dated clinical finding. The validated KnotworkCore value is kept whole as JSON in
        // `body`; what is compared or searched across visits (its code, its number) is also a column.
        try await database.schema(ClinicalEntryModel.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("assessment_id", .uuid, .references(AssessmentModel.schema, "id"))
            .field("kind", .string, .required)
            .field("code", .string)
            .field("value", .double)
            .field("recorded_on", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("recorded_by_name", .string, .required)
            .field("body", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX clinical_entries_assessment ON clinical_entries (assessment_id)").run()
        try await database.sql.raw("CREATE INDEX clinical_entries_patient_kind ON clinical_entries (patient_id, kind, recorded_on)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ClinicalEntryModel.schema).delete()
        try await database.schema(AssessmentModel.schema).delete()
    }
}

struct CreateSafetySchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // Versioned rules: an edit adds a version; answers name the version they were given under.
        try await database.schema(SafetyRuleModel.schema)
            .id()
            .field("key", .string, .required)
            .field("version", .int, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .unique(on: "key", "version")
            .create()
        try await database.schema(PrecautionModel.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("entry_id", .uuid, .references(ClinicalEntryModel.schema, "id"))
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("resolved_at", .datetime)
            .field("resolved_by", .uuid, .references(UserModel.schema, "id"))
            .field("resolved_reason", .string)
            .create()
        try await database.sql.raw("CREATE INDEX precautions_patient ON precautions (patient_id, resolved_at)").run()
        try await database.schema(TreatmentHoldModel.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("reason", .string, .required)
            .field("urgent", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references(UserModel.schema, "id"))
            .field("cleared_at", .datetime)
            .field("cleared_by", .uuid, .references(UserModel.schema, "id"))
            .field("clearance_kind", .string)
            .field("clearance_reason", .string)
            .create()
        try await database.sql.raw("CREATE INDEX treatment_holds_patient ON treatment_holds (patient_id, cleared_at)").run()
        try await database.schema(TaskModel.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("assignee_id", .uuid, .references(UserModel.schema, "id"))
            .field("assignee_role", .string, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("detail", .string, .required)
            .field("urgent", .bool, .required)
            .field("hold_id", .uuid, .references(TreatmentHoldModel.schema, "id"))
            .field("created_at", .datetime, .required)
            .field("completed_at", .datetime)
            .field("completed_by", .uuid, .references(UserModel.schema, "id"))
            .create()
        try await database.sql.raw("CREATE INDEX tasks_assignee ON tasks (assignee_id, completed_at)").run()
        try await database.sql.raw("CREATE INDEX tasks_patient ON tasks (patient_id)").run()

        // Version 1 of every rule; an administrator's edits add versions.
        let now = Date()
        for rule in SafetyRules.seed {
            try await SafetyStore(database: database).save(rule, by: "seed:CLINICAL-REFERENCE §4", at: now)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TaskModel.schema).delete()
        try await database.schema(TreatmentHoldModel.schema).delete()
        try await database.schema(PrecautionModel.schema).delete()
        try await database.schema(SafetyRuleModel.schema).delete()
    }
}
