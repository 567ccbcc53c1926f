import Foundation
import HookModel
import HookSignatures

extension RuleFolder {
    /// Each subscription's authenticator: its rule's signature scheme (`verify`) keyed by the subscription's
    /// secrets, and/or its Bearer keys, or nothing when it says `auth: none`. Secrets written as `"${NAME}"` are read
    /// from `environment` now. Every problem is reported at once, naming the file and subscription: a subscription
    /// without `auth`, a missing variable, a rule that verifies signatures with no secret given, secrets for a rule
    /// that verifies none, an unknown scheme or setting.
    public func authenticators(environment: [String: String]) throws(RuleFolderError) -> [String: RequestAuthenticator] {
        var authenticators: [String: RequestAuthenticator] = [:]
        var problems: [String] = []
        for subscription in subscriptions {
            let place = "\(subscriptionsPath ?? folder): subscription \"\(subscription.id)\""
            do throws(AccessProblem) {
                authenticators[subscription.id] = try authenticator(for: subscription, environment: environment)
            } catch {
                problems.append("\(place)\(error.line.map { " (line \($0))" } ?? ""): \(error.message)")
            }
        }
        guard problems.isEmpty else { throw RuleFolderError(problems: problems) }
        return authenticators
    }

    /// The manual-sync API's keys: each subscription's `api_keys`, resolved from `environment`.
    public func apiKeys(environment: [String: String]) throws(RuleFolderError) -> [String: BearerKeys] {
        var keys: [String: BearerKeys] = [:]
        var problems: [String] = []
        for (id, access) in access.sorted(by: { $0.key < $1.key }) where !access.apiKeys.isEmpty {
            do {
                keys[id] = try BearerKeys(WebhookSecret.resolving(access.apiKeys.map(\.text), environment: environment))
            } catch {
                problems.append("\(subscriptionsPath ?? folder): subscription \"\(id)\" api_keys (line \(access.apiKeys[0].line)): \(error)")
            }
        }
        guard problems.isEmpty else { throw RuleFolderError(problems: problems) }
        return keys
    }

    private func authenticator(
        for subscription: Subscription, environment: [String: String]
    ) throws(AccessProblem) -> RequestAuthenticator {
        guard let authentication = access[subscription.id]?.authentication else {
            throw AccessProblem(
                "no auth: give the secrets of its rule's signature or Bearer keys, or write auth: none to accept any request")
        }
        guard case .keys(let keys) = authentication else { return .none }
        let scheme = book.rules[subscription.integration]?.intake.signature
        do {
            let bearer = keys.bearer.isEmpty
                ? nil : try BearerKeys(WebhookSecret.resolving(keys.bearer.map(\.text), environment: environment))
            var verifier: WebhookVerifier?
            switch (scheme, keys.secrets.isEmpty) {
            case (nil, false):
                throw AccessProblem("has secrets, but rule \(subscription.integration) verifies no signature (verify)", line: keys.line)
            case (let settings?, true):
                throw AccessProblem(
                    "rule \(subscription.integration) verifies \(settings["scheme"] ?? "?") signatures: give its secrets", line: keys.line)
            case (let settings?, false):
                var schemeSettings = settings.merging(keys.settings) { _, subscriptions in subscriptions }
                let name = schemeSettings.removeValue(forKey: "scheme") ?? ""
                verifier = try WebhookVerifier(
                    name: name, settings: schemeSettings,
                    secrets: WebhookSecret.resolving(keys.secrets.map(\.text), environment: environment))
            case (nil, true):
                break
            }
            return try RequestAuthenticator(bearer: bearer, signature: verifier)
        } catch let error as AccessProblem {
            throw error
        } catch {
            throw AccessProblem("\(error)", line: keys.line)
        }
    }
}

private struct AccessProblem: Error {
    let message: String
    let line: Int?

    init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }
}

/// What a sender of a subscription's hooks adds to a request: its rule's signature made with the subscription's
/// first secret, and its first Bearer key. `hookrules send --sign` posts captures with them.
public struct SenderCredentials: Sendable {
    public let signer: WebhookSigner?
    public let bearer: WebhookSecret?

    /// `request` with the signature headers (replacing any it carried) and the Authorization header.
    public func signed(_ request: WebhookRequest, at time: Date) -> WebhookRequest {
        var signed = signer?.sign(request, at: time) ?? request
        if let bearer {
            var headers = HTTPHeaders(signed.headers.fields.filter { !$0.name.caseInsensitiveCompare("authorization").isSame })
            for field in BearerKeys.authorization(bearer).fields { headers.add(field.name, field.value) }
            signed.headers = headers
        }
        return signed
    }
}

extension RuleFolder {
    /// The credentials a sender of `subscription`'s hooks uses, from its `auth` (secrets read from `environment`).
    public func senderCredentials(
        for subscription: Subscription, environment: [String: String]
    ) throws(RuleFolderError) -> SenderCredentials {
        let place = "\(subscriptionsPath ?? folder): subscription \"\(subscription.id)\""
        guard case .keys(let keys)? = access[subscription.id]?.authentication else {
            return SenderCredentials(signer: nil, bearer: nil)
        }
        do {
            var signer: WebhookSigner?
            if var settings = book.rules[subscription.integration]?.intake.signature, let first = keys.secrets.first {
                let name = settings.removeValue(forKey: "scheme") ?? ""
                settings.merge(keys.settings.filter { $0.key != "tolerance" }) { _, subscriptions in subscriptions }
                signer = try WebhookSigner(
                    scheme: SignatureScheme(name: name, settings: settings),
                    secret: WebhookSecret(resolving: first.text, environment: environment))
            }
            let bearer = try keys.bearer.first.map { key throws(SignatureConfigurationError) in
                try WebhookSecret(resolving: key.text, environment: environment)
            }
            return SenderCredentials(signer: signer, bearer: bearer)
        } catch {
            throw RuleFolderError(problems: ["\(place): \(error)"])
        }
    }
}

extension ComparisonResult {
    fileprivate var isSame: Bool { self == .orderedSame }
}
