using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ExchangeGateway.Crypto;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace ExchangeGateway.Bench;

/// <summary>Stopwatch benchmark of the sealing primitives and of sealing itself; prints a markdown table.</summary>
internal static class Program
{
    private static int Main()
    {
        var report = new BenchReport();
        var bundle = RepresentativeBundle(20 * 1024);
        var attributes = RandomNumberGenerator.GetBytes(290); // the size of the DER signed attributes the sealer signs
        var contentKey = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        Console.WriteLine($"# ExchangeGateway.Bench: {Environment.ProcessorCount} cores, {RuntimeInformationText()}, bundle {bundle.Length} bytes");

        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa3072 = RSA.Create(3072);
        using var rsa2048 = RSA.Create(2048);
        var bcP256 = PrivateKeyFactory.CreateKey(p256.ExportPkcs8PrivateKey());
        var bcRsa3072 = PrivateKeyFactory.CreateKey(rsa3072.ExportPkcs8PrivateKey());
        var bcRsa3072Public = PublicKeyFactory.CreateKey(rsa3072.ExportSubjectPublicKeyInfo());

        report.Section("Signing the signed attributes (SHA-256)");
        var signEcdsa = report.Measure(".NET ECDSA P-256 sign", () => p256.SignData(attributes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var signRsa3072 = report.Measure(".NET RSA-3072 PKCS#1 sign", () => rsa3072.SignData(attributes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        report.Measure(".NET RSA-2048 PKCS#1 sign", () => rsa2048.SignData(attributes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        report.Measure("BouncyCastle ECDSA P-256 sign", () => BcSign("SHA-256withECDSA", bcP256, attributes));
        report.Measure("BouncyCastle RSA-3072 PKCS#1 sign", () => BcSign("SHA-256withRSA", bcRsa3072, attributes));
        var ecdsaSignature = p256.SignData(attributes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var rsaSignature = rsa3072.SignData(attributes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        report.Measure(".NET ECDSA P-256 verify", () => p256.VerifyData(attributes, ecdsaSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        report.Measure(".NET RSA-3072 verify", () => rsa3072.VerifyData(attributes, rsaSignature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        report.Section("Key transport of the 32-byte content key");
        var oaep3072 = report.Measure(".NET RSA-3072 OAEP-SHA256 encrypt (seal)", () => rsa3072.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256));
        var wrapped3072 = rsa3072.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256);
        report.Measure(".NET RSA-3072 OAEP-SHA256 decrypt (open)", () => rsa3072.Decrypt(wrapped3072, RSAEncryptionPadding.OaepSHA256));
        report.Measure(".NET RSA-2048 OAEP-SHA256 encrypt (seal)", () => rsa2048.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256));
        var wrapped2048 = rsa2048.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256);
        report.Measure(".NET RSA-2048 OAEP-SHA256 decrypt (open)", () => rsa2048.Decrypt(wrapped2048, RSAEncryptionPadding.OaepSHA256));
        report.Measure("BouncyCastle RSA-3072 OAEP-SHA256 encrypt", () => BcOaep(bcRsa3072Public, forEncryption: true, contentKey));
        var bcWrapped = BcOaep(bcRsa3072Public, forEncryption: true, contentKey);
        report.Measure("BouncyCastle RSA-3072 OAEP-SHA256 decrypt", () => BcOaep(bcRsa3072, forEncryption: false, bcWrapped));
        var (ecdhSender, ecdhRecipient) = BcEcdh();
        report.Measure("BouncyCastle ECDH P-256 ephemeral key + agreement (seal)", ecdhSender);
        report.Measure("BouncyCastle ECDH P-256 agreement (open)", ecdhRecipient);

        report.Section("Content (20 KB)");
        var sha = report.Measure(".NET SHA-256", () => SHA256.HashData(bundle));
        report.Measure("BouncyCastle SHA-256", () => BcSha256(bundle));
        var ciphertext = new byte[bundle.Length];
        var tag = new byte[16];
        var gcm = report.Measure(".NET AES-256-GCM encrypt", () =>
        {
            using var aes = new AesGcm(contentKey, 16);
            aes.Encrypt(nonce, bundle, ciphertext, tag);
        });
        report.Measure("BouncyCastle AES-256-GCM encrypt", () => BcGcm(contentKey, nonce, bundle));

        report.Section("Sealing and opening (one thread = one core)");
        using var pki = BenchPki.Create(bundle);
        report.Measure("TrustStore.RecipientCertificate (chain, validity, CRL; cached path)", () => pki.Trust.RecipientCertificate("B86030", DateTimeOffset.UtcNow));
        var seal = report.Measure("PackageSealer.Seal, gateway ECDSA P-256, recipient RSA-3072", () => pki.Sealer.Seal(bundle, "B86030"));
        var package = pki.Sealer.Seal(bundle, "B86030").Der;
        report.Measure("PackageOpener.Open (RSA-3072 decrypt + verify + chain/CRL)", () => pki.Opener.Open(package));
        var sealRsa = report.Measure("PackageSealer.Seal, gateway RSA-3072 (alternative)", () => pki.RsaSealer.Seal(bundle, "B86030"));
        var parallel = report.MeasureParallel("PackageSealer.Seal on every core (one sealer each)", Environment.ProcessorCount, pki.NewSealer, s => s.Seal(bundle, "B86030"));
        var openssl = report.MeasureOpenSsl(pki.Folder);

        var limit = 1 / (sha.Seconds + signEcdsa.Seconds + oaep3072.Seconds + gcm.Seconds);
        var limitRsa = 1 / (sha.Seconds + signRsa3072.Seconds + oaep3072.Seconds + gcm.Seconds);
        report.Section("Seal rate against the limit of its primitives (same run)");
        report.Line($"| limit, ECDSA P-256 gateway: 1 / (SHA-256 + ECDSA sign + RSA-3072 OAEP encrypt + AES-256-GCM) | {limit:F0}/s | seal reaches {100 * seal.PerSecond / limit:F0}% |");
        report.Line($"| limit, RSA-3072 gateway: 1 / (SHA-256 + RSA sign + RSA-3072 OAEP encrypt + AES-256-GCM) | {limitRsa:F0}/s | seal reaches {100 * sealRsa.PerSecond / limitRsa:F0}% |");
        report.Line($"| all {Environment.ProcessorCount} cores | {parallel:F0}/s | {parallel / Environment.ProcessorCount:F0}/s per core |");
        report.Line($"| openssl cms -sign \\| openssl cms -encrypt, one process pair per message | {openssl:F1}/s | {seal.PerSecond / openssl:F0}x slower than PackageSealer |");
        return 0;
    }

    private static string RuntimeInformationText() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    private static byte[] BcSign(string algorithm, AsymmetricKeyParameter key, byte[] data)
    {
        var signer = SignerUtilities.GetSigner(algorithm);
        signer.Init(true, key);
        signer.BlockUpdate(data, 0, data.Length);
        return signer.GenerateSignature();
    }

    private static byte[] BcOaep(AsymmetricKeyParameter key, bool forEncryption, byte[] data)
    {
        var oaep = new OaepEncoding(new RsaBlindedEngine(), new Sha256Digest(), new Sha256Digest(), null);
        oaep.Init(forEncryption, forEncryption ? new ParametersWithRandom(key, new SecureRandom()) : key);
        return oaep.ProcessBlock(data, 0, data.Length);
    }

    private static (Action Sender, Action Recipient) BcEcdh()
    {
        var domain = new ECDomainParameters(Org.BouncyCastle.Asn1.X9.ECNamedCurveTable.GetByName("P-256"));
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(domain, new SecureRandom()));
        var recipient = generator.GenerateKeyPair();
        var ephemeral = generator.GenerateKeyPair();
        return (
            () =>
            {
                var sender = generator.GenerateKeyPair();
                var agreement = new ECDHBasicAgreement();
                agreement.Init(sender.Private);
                agreement.CalculateAgreement(recipient.Public);
            },
            () =>
            {
                var agreement = new ECDHBasicAgreement();
                agreement.Init(recipient.Private);
                agreement.CalculateAgreement(ephemeral.Public);
            });
    }

    private static byte[] BcSha256(byte[] data)
    {
        var digest = new Sha256Digest();
        digest.BlockUpdate(data, 0, data.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    private static byte[] BcGcm(byte[] key, byte[] nonce, byte[] data)
    {
        var cipher = new GcmBlockCipher(new AesEngine());
        cipher.Init(true, new AeadParameters(new KeyParameter(key), 128, nonce));
        var output = new byte[cipher.GetOutputSize(data.Length)];
        var length = cipher.ProcessBytes(data, 0, data.Length, output, 0);
        cipher.DoFinal(output, length);
        return output;
    }

    internal static byte[] RepresentativeBundle(int size)
    {
        var json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":[");
        for (var i = 0; json.Length < size - 200; i++)
        {
            json.Append(i == 0 ? "" : ",")
                .Append("{\"fullUrl\":\"urn:uuid:").Append(Guid.CreateVersion7()).Append("\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",")
                .Append("\"code\":{\"coding\":[{\"system\":\"https://example.org/dir\",\"code\":\"substance-").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\"}]},")
                .Append("\"valueString\":\"méthadone 60 mg daily, last dose 2026-02-04T07:15:00+00:00\"}}");
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }
}

/// <summary>One measured operation: its rate and its cost.</summary>
internal readonly record struct Rate(double PerSecond)
{
    public double Seconds => 1 / PerSecond;
}

/// <summary>Times operations with a Stopwatch and prints them as markdown rows.</summary>
internal sealed class BenchReport
{
    public void Section(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"## {title}");
        Console.WriteLine();
        Console.WriteLine("| operation | rate | cost |");
        Console.WriteLine("|---|---:|---:|");
    }

    public void Line(string text) => Console.WriteLine(text);

    public Rate Measure(string name, Action operation)
    {
        // Warm up long enough for tiered JIT to reach its optimised code, so the first rows are not penalised.
        var warmUp = Stopwatch.StartNew();
        for (var i = 0; i < 200 || warmUp.Elapsed < TimeSpan.FromMilliseconds(400); i++)
        {
            operation();
        }

        var count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMilliseconds(800))
        {
            operation();
            count++;
        }

        var rate = new Rate(count / watch.Elapsed.TotalSeconds);
        Console.WriteLine($"| {name} | {rate.PerSecond:F0}/s | {rate.Seconds * 1e6:F1} µs |");
        return rate;
    }

    public Rate Measure<T>(string name, Func<T> operation) => Measure(name, () => { operation(); });

    public double MeasureParallel<T>(string name, int threads, Func<T> create, Action<T> operation)
    {
        var counts = new long[threads];
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            var state = create();
            while (watch.Elapsed < TimeSpan.FromMilliseconds(1500))
            {
                operation(state);
                counts[thread]++;
            }
        });
        var rate = counts.Sum() / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"| {name} ({threads} threads) | {rate:F0}/s | |");
        return rate;
    }

    public double MeasureOpenSsl(string folder)
    {
        const int messages = 20;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            var start = new ProcessStartInfo("/bin/bash", ["-c",
                "set -o pipefail; openssl cms -sign -binary -nodetach -outform DER -signer gateway.crt -inkey gateway.key -in bundle.json"
                + " | openssl cms -encrypt -aes-256-gcm -binary -outform DER -recip B86030.crt -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -out package.der"])
            {
                WorkingDirectory = folder,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("openssl failed");
            }
        }

        var rate = messages / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"| openssl cms sign \\| encrypt, 2 processes per message | {rate:F1}/s | {1e3 / rate:F1} ms |");
        return rate;
    }
}

/// <summary>A throwaway PKI for the benchmark: CA, ECDSA and RSA gateways, one RSA-3072 recipient.</summary>
internal sealed class BenchPki : IDisposable
{
    private BenchPki(string folder, KeyPair gateway, KeyPair rsaGateway)
    {
        Folder = folder;
        Gateway = gateway;
        Trust = TrustStore.Load(folder);
        Sealer = NewSealer();
        RsaSealer = new PackageSealer(rsaGateway, Trust, TimeProvider.System);
        Opener = new PackageOpener(RecipientIdentity.Load(folder, "B86030"), Trust, TimeProvider.System);
    }

    public string Folder { get; }

    public KeyPair Gateway { get; }

    public TrustStore Trust { get; }

    public PackageSealer Sealer { get; }

    public PackageSealer RsaSealer { get; }

    public PackageOpener Opener { get; }

    public static BenchPki Create(byte[] bundle)
    {
        var folder = Directory.CreateTempSubdirectory("exg-bench-").FullName;
        var now = DateTimeOffset.UtcNow;
        var ca = DevelopmentPki.CreateAuthority("Bench CA", now.AddDays(-1), now.AddYears(1));
        var gateway = DevelopmentPki.Issue(ca, new CertificateProfile("gateway", AgencyType.Gateway), TimeProvider.System);
        var rsaGateway = DevelopmentPki.Issue(ca, new CertificateProfile("gateway-rsa", AgencyType.Gateway) { KeyType = DevelopmentKeyType.Rsa3072 }, TimeProvider.System);
        var recipient = DevelopmentPki.Issue(ca, new CertificateProfile("B86030", AgencyType.GpPractice), TimeProvider.System);
        DevelopmentPki.Write(ca, Path.Combine(folder, "ca.crt"), Path.Combine(folder, "ca.key"));
        DevelopmentPki.Write(gateway, Path.Combine(folder, "gateway.crt"), Path.Combine(folder, "gateway.key"));
        DevelopmentPki.Write(recipient, Path.Combine(folder, "B86030.crt"), Path.Combine(folder, "B86030.key"));
        DevelopmentPki.WriteCrl(DevelopmentPki.CreateCrl(ca, [], now.AddDays(-1), now.AddDays(30)), Path.Combine(folder, "ca.crl"));
        File.WriteAllBytes(Path.Combine(folder, "bundle.json"), bundle);
        return new BenchPki(folder, gateway, rsaGateway);
    }

    public PackageSealer NewSealer() => new(Gateway, Trust, TimeProvider.System);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
