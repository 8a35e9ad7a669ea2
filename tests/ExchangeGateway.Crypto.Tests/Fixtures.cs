using System.Text;
using Org.BouncyCastle.Math;

namespace ExchangeGateway.Crypto.Tests;

/// <summary>A clock that says what the test tells it.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("exg-crypto-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>
/// One development PKI for the whole test run (RSA key generation is slow): a CA with a current CRL, the gateway
/// (ECDSA P-256) and two GP practices (RSA-3072), written to a folder the tests copy and change.
/// </summary>
public sealed class PkiFixture : IDisposable
{
    private readonly TempFolder folder = new();

    public PkiFixture()
    {
        Now = DateTimeOffset.UtcNow;
        var time = new FixedTime(Now);
        Ca = DevelopmentPki.CreateAuthority("Test CA", Now.AddDays(-30), Now.AddYears(5));
        Gateway = DevelopmentPki.Issue(Ca, new CertificateProfile("gateway", AgencyType.Gateway), time);
        B86030 = DevelopmentPki.Issue(Ca, new CertificateProfile("B86030", AgencyType.GpPractice), time);
        B82005 = DevelopmentPki.Issue(Ca, new CertificateProfile("B82005", AgencyType.GpPractice), time);
        DevelopmentPki.Write(Ca, folder.File("ca.crt"), folder.File("ca.key"));
        DevelopmentPki.Write(Gateway, folder.File("gateway.crt"), folder.File("gateway.key"));
        DevelopmentPki.Write(B86030, folder.File("B86030.crt"), folder.File("B86030.key"));
        DevelopmentPki.Write(B82005, folder.File("B82005.crt"), folder.File("B82005.key"));
        DevelopmentPki.WriteCrl(DevelopmentPki.CreateCrl(Ca, [], Now.AddDays(-1), Now.AddDays(30)), folder.File("ca.crl"));
        Bundle = RepresentativeBundle(20 * 1024);
    }

    public DateTimeOffset Now { get; }

    public KeyPair Ca { get; }

    public KeyPair Gateway { get; }

    public KeyPair B86030 { get; }

    public KeyPair B82005 { get; }

    /// <summary>About 20 KB of FHIR-like JSON, the size of a mapped release summary.</summary>
    public byte[] Bundle { get; }

    public string Folder => folder.Path;

    /// <summary>A fresh copy of the certs folder for a test to change.</summary>
    public TempFolder CopyFolder()
    {
        var copy = new TempFolder();
        foreach (var file in Directory.EnumerateFiles(Folder))
        {
            System.IO.File.Copy(file, copy.File(System.IO.Path.GetFileName(file)));
        }

        return copy;
    }

    public FixedTime Time() => new(Now);

    public PackageSealer Sealer(KeyPair? signer = null, string? folderPath = null) =>
        new(signer ?? Gateway, TrustStore.Load(folderPath ?? Folder), Time());

    public PackageOpener Opener(string agencyId = "B86030", string? folderPath = null, bool allowUnbound = false) =>
        new(RecipientIdentity.Load(folderPath ?? Folder, agencyId), TrustStore.Load(folderPath ?? Folder), Time(), new PackageOpenerOptions { AllowUnboundRecipient = allowUnbound });

    /// <summary>A gateway-like signer from the test CA with a changed profile.</summary>
    public KeyPair Signer(Func<CertificateProfile, CertificateProfile> change, KeyPair? authority = null) =>
        DevelopmentPki.Issue(authority ?? Ca, change(new CertificateProfile("gateway", AgencyType.Gateway)), Time());

    /// <summary>Replaces the folder's CRL.</summary>
    public void WriteCrl(TempFolder target, IEnumerable<BigInteger> revoked, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate) =>
        DevelopmentPki.WriteCrl(DevelopmentPki.CreateCrl(Ca, revoked, thisUpdate, nextUpdate), target.File("ca.crl"));

    public void Dispose() => folder.Dispose();

    internal static byte[] RepresentativeBundle(int size)
    {
        var json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":[");
        for (var i = 0; json.Length < size - 200; i++)
        {
            json.Append(i == 0 ? "" : ",")
                .Append("{\"fullUrl\":\"urn:uuid:").Append(Guid.CreateVersion7()).Append("\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",")
                .Append("\"code\":{\"coding\":[{\"system\":\"https://example.org/dir\",\"code\":\"substance-").Append(i).Append("\"}]},")
                .Append("\"valueString\":\"méthadone 60 mg daily, last dose 2026-02-04T07:15:00+00:00\"}}");
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class PkiCollection : ICollectionFixture<PkiFixture>
{
    public const string Name = "pki";
}
