import KnotworkCore
import Fluent
import SQLKit

// Release 0001: the platform's tables. Never edit these once released; add a new migration instead.

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string, .required)
            .field("active", .bool, .required)
            .field("password_changed_at", .datetime, .required)
            .unique(on: "username")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserModel.schema).delete()
    }
}

struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SessionModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("token_hash", .string, .required)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ended_at", .datetime)
            .field("end_reason", .string)
            .field("client_address", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await database.sql.raw("CREATE INDEX sessions_user ON sessions (user_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SessionModel.schema).delete()
    }
}

struct CreateAccessTokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AccessTokenModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AccessTokenModel.schema).delete()
    }
}

struct CreatePatients: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PatientModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("record_number", .string, .required)
            .field("given_name", .string, .required)
            .field("family_name", .string, .required)
            .field("search_given", .string, .required)
            .field("search_family", .string, .required)
            .field("date_of_birth", .string, .required)
            .field("sex", .string, .required)
            .field("phone", .string)
            .field("phone_digits", .string)
            .field("email", .string)
            .field("address_line", .string)
            .field("city", .string)
            .field("state", .string)
            .field("postal_code", .string)
            .field("active", .bool, .required)
            .unique(on: "record_number")
            .create()
        try await database.schema(PatientSearchTermModel.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("term", .string, .required)
            .create()
        // One row per patient and two-letter name prefix, kept in list order, so that a name search
        // walks its prefix in that order and stops after a page (see PatientStore.search).
        try await database.schema("patient_name_prefixes")
            .id()
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("prefix2", .string, .required)
            .field("sort_key", .string, .required)
            .field("terms", .string, .required)
            .unique(on: "patient_id", "prefix2")
            .create()
        let sql = database.sql
        try await sql.raw("CREATE INDEX patient_name_prefixes_order ON patient_name_prefixes (prefix2, sort_key)").run()
        try await sql.raw("CREATE INDEX patients_sort ON patients (search_family, search_given)").run()
        // Covers the search's per-candidate check and sort key, so a name search never reads whole rows.
        try await sql.raw("CREATE INDEX patients_search_cover ON patients (id, active, search_family, search_given)").run()
        try await sql.raw("CREATE INDEX patients_dob ON patients (date_of_birth)").run()
        try await sql.raw("CREATE INDEX patient_search_terms_patient ON patient_search_terms (patient_id)").run()
        // Prefix search compares bytes (see PatientStore): PostgreSQL needs the C collation for that.
        switch Dialect(database) {
        case .postgres:
            try await sql.raw(#"CREATE INDEX patient_search_terms_term ON patient_search_terms (term COLLATE "C", patient_id)"#).run()
        case .sqlite:
            try await sql.raw("CREATE INDEX patient_search_terms_term ON patient_search_terms (term, patient_id)").run()
        }
        // Sequence numbers (record numbers) that several instances can draw from safely.
        try await sql.raw("CREATE TABLE counters (name VARCHAR(40) PRIMARY KEY, value BIGINT NOT NULL)").run()
        try await sql.raw("INSERT INTO counters (name, value) VALUES ('record_number', 0)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP TABLE counters").run()
        try await database.schema("patient_name_prefixes").delete()
        try await database.schema(PatientSearchTermModel.schema).delete()
        try await database.schema(PatientModel.schema).delete()
    }
}

struct CreateCareTeams: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CareTeamMemberModel.schema)
            .id()
            .field("created_at", .datetime, .required)
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("is_primary", .bool, .required)
            .unique(on: "patient_id", "user_id")
            .create()
        try await database.sql.raw("CREATE INDEX care_team_members_user ON care_team_members (user_id, patient_id)").run()
        try await database.schema(BreakGlassGrantModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("patient_id", .uuid, .required, .references(PatientModel.schema, "id"))
            .field("reason", .string, .required)
            .field("granted_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX break_glass_user ON break_glass_grants (user_id, patient_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BreakGlassGrantModel.schema).delete()
        try await database.schema(CareTeamMemberModel.schema).delete()
    }
}

struct CreateLoginAttempts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginAttemptModel.schema)
            .id()
            .field("key", .string, .required)
            .field("attempted_at", .datetime, .required)
            .field("succeeded", .bool, .required)
            .create()
        try await database.sql.raw("CREATE INDEX login_attempts_key ON login_attempts (key, attempted_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginAttemptModel.schema).delete()
    }
}

/// The hash-chained audit trail (ONC 170.315(d)(2)): rows are append-only, enforced by a trigger on
/// both engines, and `audit_head` holds the last sequence number and hash. Writers lock the head row
/// first, which orders the chain across processes and connections.
struct CreateAuditTrail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("""
            CREATE TABLE audit_events (
                seq BIGINT PRIMARY KEY,
                occurred_at VARCHAR(30) NOT NULL,
                user_id VARCHAR(36),
                username VARCHAR(100) NOT NULL,
                role VARCHAR(40) NOT NULL,
                action VARCHAR(60) NOT NULL,
                patient_id VARCHAR(36),
                entity VARCHAR(200) NOT NULL,
                outcome VARCHAR(20) NOT NULL,
                client_address VARCHAR(100) NOT NULL,
                request_id VARCHAR(100) NOT NULL,
                detail TEXT NOT NULL,
                prev_hash VARCHAR(64) NOT NULL,
                hash VARCHAR(64) NOT NULL
            )
            """).run()
        try await sql.raw("CREATE INDEX audit_events_time ON audit_events (occurred_at)").run()
        try await sql.raw("CREATE INDEX audit_events_patient ON audit_events (patient_id, seq)").run()
        try await sql.raw("CREATE INDEX audit_events_user ON audit_events (user_id, seq)").run()
        try await sql.raw("CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash VARCHAR(64) NOT NULL)").run()
        try await sql.raw("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, \(bind: AuditRecord.genesisHash))").run()
        switch Dialect(database) {
        case .sqlite:
            try await sql.raw("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END").run()
            try await sql.raw("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END").run()
        case .postgres:
            try await sql.raw("""
                CREATE FUNCTION knotwork_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END $$
                """).run()
            try await sql.raw("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION knotwork_append_only()").run()
            try await sql.raw("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION knotwork_append_only()").run()
        }
    }

    /// Lossy: reverting drops the audit trail. Only for taking a fresh database back to empty.
    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("DROP TABLE audit_events").run()
        try await sql.raw("DROP TABLE audit_head").run()
        if Dialect(database) == .postgres {
            try await sql.raw("DROP FUNCTION knotwork_append_only()").run()
        }
    }
}

