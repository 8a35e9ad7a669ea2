using System.CommandLine;
using System.Security.Cryptography;
using ExchangeGateway.Crypto;

namespace ExchangeGateway.Cli;

/// <summary>seal, open, verify and certs: sealed packages between agencies, and the development PKI.</summary>
public static class PackageCommands
{
    /// <summary>The commands, writing to the given writers.</summary>
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Seal(output, error);
        yield return Open(output, error);
        yield return Verify(output, error);
        yield return Certs(output);
    }

    private static Option<string> CertsOption() => new("--certs") { Description = "The certs folder: ca.crt (and *.ca.crt), agency ID.crt, *.crl, and this node's keys.", Required = true };

    private static Option<string> RequiredOut(string description) => new("--out", "-o") { Description = description, Required = true };

    private static Command Seal(TextWriter output, TextWriter error)
    {
        var bundle = new Argument<string>("BUNDLE") { Description = "The FHIR document Bundle to seal (its exact bytes are signed)." };
        var to = new Option<string>("--to") { Description = "The agency id of the addressee.", Required = true };
        var certs = CertsOption();
        var outFile = RequiredOut("Write the package (DER) to this file.");
        var command = new Command("seal", "Sign a bundle as the gateway (certs/gateway.key) and encrypt it to one agency.") { bundle, to, certs, outFile };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(certs)!;
            var content = InputFiles.Read(parse.GetValue(bundle)!, PackageSealer.MaxBundleBytes + 1);
            if (content.Length > PackageSealer.MaxBundleBytes)
            {
                return Refused(error, $"the bundle is over {PackageSealer.MaxBundleBytes} bytes");
            }

            var trust = LoadTrust(folder);
            var gateway = LoadKeyPair(Path.Combine(folder, "gateway.crt"), Path.Combine(folder, "gateway.key"));
            try
            {
                var sealedPackage = new PackageSealer(gateway, trust, TimeProvider.System).Seal(content, parse.GetValue(to)!);
                WriteBytes(parse.GetValue(outFile)!, sealedPackage.Der);
                output.WriteLine($"sealed message {sealedPackage.MessageId} for {sealedPackage.RecipientAgencyId} (certificate serial {sealedPackage.RecipientCertificate.Certificate.SerialNumber.ToString(16)})");
                return ExitCodes.Ok;
            }
            catch (SealingException ex)
            {
                return Refused(error, ex.Message);
            }
        });
        return command;
    }

    private static Command Open(TextWriter output, TextWriter error)
    {
        var package = new Argument<string>("PKG") { Description = "A sealed package (DER)." };
        var asAgency = new Option<string>("--as") { Description = "The agency opening it; its key is certs/AGENCY.key (and AGENCY.N.key).", Required = true };
        var certs = CertsOption();
        var outFile = RequiredOut("Write the bundle, byte for byte as sealed, to this file.");
        var allowUnbound = new Option<bool>("--allow-unbound")
        {
            Description = "Also open a package whose signature names no recipient (made by other tools, e.g. openssl cms). Such a package could have been forwarded.",
        };
        var command = new Command("open", "Decrypt a package and verify its signature, its signer and that it is addressed to this agency.") { package, asAgency, certs, outFile, allowUnbound };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(certs)!;
            var agency = parse.GetValue(asAgency)!;
            var bytes = InputFiles.Read(parse.GetValue(package)!, PackageOpener.MaxPackageBytes + 1);
            var trust = LoadTrust(folder);
            RecipientIdentity identity;
            try
            {
                identity = RecipientIdentity.Load(folder, agency);
            }
            catch (Exception ex) when (ex is IOException or CryptographicException or FormatException or ArgumentException)
            {
                throw new UsageException($"cannot load the keys of {agency}: {ex.Message}");
            }

            var opener = new PackageOpener(identity, trust, TimeProvider.System, new PackageOpenerOptions { AllowUnboundRecipient = parse.GetValue(allowUnbound) });
            if (!opener.TryOpen(bytes, out var opened, out var refusal))
            {
                return Refused(error, refusal!.ToString());
            }

            WriteBytes(parse.GetValue(outFile)!, opened!.Content);
            if (!opened.IsBoundToRecipient)
            {
                error.WriteLine($"warning: the signature names no recipient; opened because of --allow-unbound");
            }

            output.WriteLine($"opened message {opened.MessageId ?? "(no id)"} signed by {opened.Signer.AgencyId} at {opened.SigningTime:u}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Verify(TextWriter output, TextWriter error)
    {
        var signed = new Argument<string>("SIGNED") { Description = "A CMS SignedData (DER ContentInfo), e.g. from 'openssl cms -sign -outform DER'." };
        var certs = CertsOption();
        var outFile = new Option<string?>("--out", "-o") { Description = "Also write the signed content to this file." };
        var command = new Command("verify", "Verify a signed document: signature, signer chain, validity, key usage and revocation.") { signed, certs, outFile };
        command.SetAction(parse =>
        {
            var bytes = InputFiles.Read(parse.GetValue(signed)!, SignedPackageVerifier.MaxBytes + 1);
            var verifier = new SignedPackageVerifier(LoadTrust(parse.GetValue(certs)!), TimeProvider.System);
            try
            {
                var verified = verifier.Verify(bytes);
                if (parse.GetValue(outFile) is { } path)
                {
                    WriteBytes(path, verified.Content);
                }

                output.WriteLine($"{parse.GetValue(signed)}: verified; signed by {verified.Signer.AgencyId} ({verified.Signer.Subject}) at {verified.SigningTime:u}"
                    + $"; recipient {verified.RecipientAgencyId ?? "(none)"}; message {verified.MessageId ?? "(none)"}");
                return ExitCodes.Ok;
            }
            catch (PackageRefusedException ex)
            {
                return Refused(error, ex.Refusal.ToString());
            }
        });
        return command;
    }

    private static Command Certs(TextWriter output)
    {
        var initOut = new Option<string>("--out", "-o") { Description = "The folder to write the set into.", Required = true };
        var init = new Command("init-dev", "Make the development PKI: a CA, its CRL, a certificate and key for every demo agency, and the audit checkpoint key.") { initOut };
        init.SetAction(parse =>
        {
            var folder = parse.GetValue(initOut)!;
            DevelopmentPki.InitDevelopmentSet(folder, TimeProvider.System);
            Audit.CheckpointSigner.CreateKeyFiles(folder, Audit.CheckpointSigner.DevelopmentOrigin);
            output.WriteLine($"wrote the development PKI to {folder} (development only: never for real records)");
            return ExitCodes.Ok;
        });

        var id = new Option<string>("--id") { Description = "The agency id (CN and SAN URI urn:exchange-gateway:agency:ID).", Required = true };
        var type = new Option<string>("--type") { Description = "prison, cjit, provider, gp or gateway.", Required = true };
        var ca = new Option<string>("--ca") { Description = "The folder holding ca.crt and ca.key.", Required = true };
        var issueOut = new Option<string>("--out", "-o") { Description = "The folder to write ID.crt and ID.key into (ID.N.* when ID already has one).", Required = true };
        var issue = new Command("issue", "Issue one agency certificate from the development CA.") { id, type, ca, issueOut };
        issue.SetAction(parse =>
        {
            AgencyType agencyType;
            try
            {
                agencyType = DevelopmentPki.ParseType(parse.GetValue(type)!);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message.Split(" (Parameter", 2)[0]);
            }

            var caFolder = parse.GetValue(ca)!;
            if (!File.Exists(Path.Combine(caFolder, "ca.crt")) || !File.Exists(Path.Combine(caFolder, "ca.key")))
            {
                throw new UsageException($"{caFolder}: no ca.crt and ca.key");
            }

            var path = DevelopmentPki.IssueInto(caFolder, parse.GetValue(issueOut)!, parse.GetValue(id)!, agencyType, TimeProvider.System);
            output.WriteLine($"wrote {path}");
            return ExitCodes.Ok;
        });

        var listCerts = CertsOption();
        var list = new Command("list", "List the certificates in a certs folder: id, subject, validity, usages.") { listCerts };
        list.SetAction(parse =>
        {
            var trust = LoadTrust(parse.GetValue(listCerts)!);
            foreach (var certificate in trust.Anchors.Select(c => (Role: "ca", Certificate: c)).Concat(trust.AgencyCertificates.Select(c => (Role: "agency", Certificate: c))))
            {
                var c = certificate.Certificate;
                output.WriteLine($"{c.AgencyId ?? "-"}\t{certificate.Role}\t{c.Subject}\t{c.NotBefore:yyyy-MM-dd}..{c.NotAfter:yyyy-MM-dd}\t{c.KeyAlgorithm}"
                    + $"\t{string.Join(",", c.KeyUsageNames())}\t{string.Join(",", c.ExtendedKeyUsageNames())}");
            }

            foreach (var crl in trust.RevocationLists)
            {
                output.WriteLine($"crl\t{crl.IssuerDN}\t{crl.ThisUpdate:yyyy-MM-dd}..{crl.NextUpdate:yyyy-MM-dd}\t{crl.GetRevokedCertificates()?.Count ?? 0} revoked");
            }

            return ExitCodes.Ok;
        });

        return new Command("certs", "The development PKI: make it, add to it, list it.") { init, issue, list };
    }

    private static TrustStore LoadTrust(string folder)
    {
        try
        {
            return TrustStore.Load(folder);
        }
        catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or CryptographicException or Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.Certificates.CrlException)
        {
            throw new UsageException($"cannot read the certs folder {folder}: {ex.Message}");
        }
    }

    private static KeyPair LoadKeyPair(string certificatePath, string keyPath)
    {
        try
        {
            return KeyPair.Load(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or CryptographicException or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            throw new UsageException($"cannot load {certificatePath} and {keyPath}: {ex.Message}");
        }
    }

    private static void WriteBytes(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);

        // Write beside, then move: a crash never leaves a half-written package or bundle.
        var temporary = full + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, full, overwrite: true);
    }

    private static int Refused(TextWriter error, string reason)
    {
        error.WriteLine($"error: {reason}");
        return ExitCodes.InvalidInput;
    }
}
