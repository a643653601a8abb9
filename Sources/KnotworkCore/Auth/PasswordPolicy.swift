/// Password rules: OWASP ASVS v4.0.3 2.1.1 (at least 12 characters), 2.1.2 (at most 128 allowed;
/// we stop at 72 bytes because bcrypt ignores the rest), 2.1.7 (refuse known-breached passwords).
public enum PasswordPolicy {
    public static let minimumLength = 12
    /// bcrypt hashes only the first 72 bytes; longer passwords would silently collide.
    public static let maximumUTF8Bytes = 72

    /// A short list of the passwords that top public breach corpora and that meet the length rule.
    /// A clinic that needs the full corpus check plugs it in here.
    static let breached: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "qwertyuiopas", "passwordpassword",
        "password1234", "password12345", "password123456", "iloveyou1234", "qwerty123456",
        "111111111111", "000000000000", "abc123456789", "administrator", "letmeinletmein",
        "welcome12345", "changeme1234", "knotwork1234", "p@ssw0rd1234", "1q2w3e4r5t6y",
    ]

    /// Problems with a proposed password, empty when it is acceptable.
    public static func problems(_ password: String, username: String) -> [FieldError] {
        var errors: [FieldError] = []
        if password.count < self.minimumLength {
            errors.append(FieldError("password", "Password must be at least \(self.minimumLength) characters."))
        }
        if password.utf8.count > self.maximumUTF8Bytes {
            errors.append(FieldError("password", "Password must be at most \(self.maximumUTF8Bytes) bytes."))
        }
        let folded = Text.searchKey(password)
        if self.breached.contains(folded) {
            errors.append(FieldError("password", "This password appears in breached-password lists; choose another."))
        }
        if !username.isEmpty && folded.contains(Text.searchKey(username)) {
            errors.append(FieldError("password", "Password must not contain the username."))
        }
        return errors
    }
}

/// Usernames: lowercase letters, digits, dot, dash and underscore, 3 to 40 characters.
public enum UsernamePolicy {
    public static func normalize(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespaces).lowercased()
    }

    public static func problems(_ username: String) -> [FieldError] {
        let ok = (3...40).contains(username.count)
            && username.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) }
        return ok ? [] : [FieldError("username", "Username must be 3 to 40 characters: lowercase letters, digits, dot, dash or underscore.")]
    }
}
