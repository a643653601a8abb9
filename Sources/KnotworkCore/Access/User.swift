import Foundation

/// A person who signs in to Knotwork.
public struct User: Equatable, Sendable, Codable {
    public var id: UUID
    public var username: String
    public var displayName: String
    public var role: Role
    public var active: Bool
    public var createdAt: Date

    public init(id: UUID, username: String, displayName: String, role: Role, active: Bool, createdAt: Date) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.active = active
        self.createdAt = createdAt
    }
}

/// A member of a patient's care team.
public struct CareTeamMember: Equatable, Sendable {
    public var user: User
    public var isPrimary: Bool

    public init(user: User, isPrimary: Bool) {
        self.user = user
        self.isPrimary = isPrimary
    }
}

public enum CareTeamRules {
    /// A care team is clinicians only, each once, and when it is not empty exactly one of them is the
    /// primary massage therapist.
    public static func problems(_ members: [CareTeamMember]) -> [FieldError] {
        var errors: [FieldError] = []
        if Set(members.map(\.user.id)).count != members.count {
            errors.append(FieldError("members", "A person can be on the care team only once."))
        }
        for m in members where !m.user.role.isClinician {
            errors.append(FieldError("members", "\(m.user.displayName) is not a clinician and cannot be on a care team."))
        }
        for m in members where !m.user.active {
            errors.append(FieldError("members", "\(m.user.displayName) is deactivated."))
        }
        let primaries = members.filter(\.isPrimary)
        if !members.isEmpty {
            if primaries.count != 1 {
                errors.append(FieldError("primary", "Choose exactly one primary massage therapist."))
            } else if primaries[0].user.role != .massageTherapist {
                errors.append(FieldError("primary", "The primary team member must be a massage therapist."))
            }
        }
        return errors
    }
}
