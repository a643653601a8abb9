import Fluent
import Foundation
import SQLKit

// Release 0008: clinicians' professional details (credentials, NPI, signature block) as numbered versions per user, so
// that a signed document shows the block in force when it was signed. Never edit once released; add a new migration.

struct CreateClinicianProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("clinician_profiles")
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("version", .int, .required)
            .field("body", .string, .required)
            .field("saved_at", .datetime, .required)
            .compositeIdentifier(over: "user_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("clinician_profiles").delete()
    }
}
