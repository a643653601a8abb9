import Foundation
import KnotworkCore
import KnotworkStore
import Plot
import Vapor

/// `/patients/:patientID/team` and the team notes' JSON API.
struct TeamController {
    @Sendable func page(req: Request) async throws -> Response {
        try await self.render(req, errors: [], text: nil, flash: nil, status: .ok)
    }

    func render(_ req: Request, errors: [FieldError], text: String?, flash: String?, status: HTTPStatus) async throws -> Response {
        let p = try req.requirePrincipal()
        let t = try await TeamNoteActions.page(on: req)
        return Layout.response(Layout.page(PageContext(req, title: "Care team · \(t.patient.displayName)", flash: flash),
                                           TeamViews.page(t, viewer: p.user, csrf: p.csrfToken, errors: errors, text: text)), status: status)
    }

    @Sendable func add(req: Request) async throws -> Response {
        let input = try req.content.decode(TeamNoteActions.NewNote.self)
        do {
            _ = try await TeamNoteActions.add(input, on: req)
            return try await self.render(req, errors: [], text: nil, flash: "Team note signed and added.", status: .ok)
        } catch let v as ValidationFailure {
            return try await self.render(req, errors: v.errors, text: input.text, flash: nil, status: .unprocessableEntity)
        }
    }
}

extension API {
    struct TeamNoteResponse: Content {
        var id: UUID
        var patientId: UUID
        var author: String
        var discipline: String?
        var text: String
        var signedAt: Date?
        var signature: String?
        var signatureVerified: Bool

        init(_ n: StoredNote, _ body: TeamNote) {
            self.id = n.id
            self.patientId = n.patientID
            self.author = n.authorName
            self.discipline = body.discipline?.rawValue
            self.text = body.text
            self.signedAt = n.signedAt
            self.signature = n.signature
            self.signatureVerified = NoteSignature.verify(n)
        }
    }

    struct TeamController {
        @Sendable func index(req: Request) async throws -> Items<TeamNoteResponse> {
            Items(items: try await TeamNoteActions.page(on: req).notes.map { TeamNoteResponse($0.note, $0.body) })
        }

        @Sendable func create(req: Request) async throws -> Response {
            let input = try API.decode(TeamNoteActions.NewNote.self, req)
            let note = try await TeamNoteActions.add(input, on: req)
            return try await TeamNoteResponse(note, try note.decode(TeamNote.self)).encodeResponse(status: .created, for: req)
        }
    }
}
