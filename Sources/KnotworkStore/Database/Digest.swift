import Crypto
import Foundation

/// The one SHA-256 text form: lower-case hex of the digest of a string's UTF-8 (audit chain, note signatures,
/// stored token hashes). Hex by table, not `String(format:)`, which cost a signed note more than its hash did.
public enum Digest {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func sha256Hex(_ text: String) -> String {
        self.sha256Hex(Data(text.utf8))
    }

    /// The same form over bytes (a scanned document's checksum).
    public static func sha256Hex(_ data: Data) -> String {
        let digest = SHA256.hash(data: data)
        var out = [UInt8]()
        out.reserveCapacity(SHA256.byteCount * 2)
        for byte in digest {
            out.append(Self.hexDigits[Int(byte >> 4)])
            out.append(Self.hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
