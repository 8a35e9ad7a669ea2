using System.Security.Cryptography;

namespace ExchangeGateway.Audit.Tests;

public class SignedNoteTests
{
    // The example of Go's golang.org/x/mod/sumdb/note, the reference implementation of the format.
    private const string GoVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string GoSeed = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string GoText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string GoNote = GoText + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    private static NoteKey GoKey => new("PeterNeumann", Convert.FromBase64String(GoSeed).AsSpan(1));

    private static NoteKey NewKey(string name = "exchange-gateway.example/audit") => new(name, RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void The_reference_implementations_example_is_signed_byte_for_byte_and_verifies()
    {
        Assert.Equal(GoVerifierKey, GoKey.VerifierKey);
        Assert.Equal(GoNote, SignedNote.Sign(GoText, GoKey));

        var (name, publicKey) = SignedNote.ParseVerifierKey(GoVerifierKey);
        Assert.Equal(GoText, SignedNote.VerifiedText(GoNote, name, publicKey));
    }

    [Fact]
    public void The_key_id_is_the_first_four_bytes_of_the_hash_of_name_newline_type_and_key()
    {
        var key = NewKey();
        var expected = SHA256.HashData([.. System.Text.Encoding.UTF8.GetBytes(key.Name), 0x0A, 0x01, .. key.PublicKey]);

        Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(expected), key.KeyId);
    }

    [Fact]
    public void A_changed_text_or_another_key_does_not_verify_and_a_stranger_is_not_trusted()
    {
        var key = NewKey();
        var note = SignedNote.Sign("origin\n5\nAAAA\n", key);

        Assert.Equal("origin\n5\nAAAA\n", SignedNote.VerifiedText(note, key.Name, key.PublicKey));
        Assert.Null(SignedNote.VerifiedText(note.Replace("\n5\n", "\n6\n", StringComparison.Ordinal), key.Name, key.PublicKey));
        Assert.Null(SignedNote.VerifiedText(note, key.Name, NewKey().PublicKey));
        Assert.Null(SignedNote.VerifiedText(note, "someone-else", key.PublicKey));
    }

    [Fact]
    public void A_second_signature_line_from_a_witness_is_kept_and_each_signer_verifies_its_own()
    {
        var gateway = NewKey();
        var witness = NewKey("cjit-leeds.example/witness");
        var note = SignedNote.Sign("origin\n5\nAAAA\n", gateway);
        var cosigned = note + SignedNote.Sign("origin\n5\nAAAA\n", witness).Split('\n')[^2] + "\n";

        Assert.Equal(2, SignedNote.Parse(cosigned).Signatures.Count);
        Assert.NotNull(SignedNote.VerifiedText(cosigned, gateway.Name, gateway.PublicKey));
        Assert.NotNull(SignedNote.VerifiedText(cosigned, witness.Name, witness.PublicKey));
    }

    [Theory]
    [InlineData("origin\n5\nAAAA\n")]
    [InlineData("origin\n5\nAAAA\n\n")]
    [InlineData("origin\n5\nAAAA\n\n-- name AAAAAAAA\n")]
    [InlineData("origin\n5\nAAAA\n\n\u2014 name not-base64!\n")]
    [InlineData("origin\n5\nAAAA\n\n\u2014 na+me AAAAAAAAAA==\n")]
    [InlineData("origin\r\n5\nAAAA\n\n\u2014 name AAAAAAAAAA==\n")]
    public void Malformed_notes_are_refused_saying_why(string note) =>
        Assert.Throws<FormatException>(() => SignedNote.Parse(note));

    [Theory]
    [InlineData("")]
    [InlineData("no newline")]
    [InlineData("a\n\nblank line\n")]
    [InlineData("tab\there\n")]
    public void Texts_a_note_cannot_carry_are_refused_before_signing(string text) =>
        Assert.Throws<ArgumentException>(() => SignedNote.Sign(text, NewKey()));

    [Fact]
    public void A_verifier_key_whose_id_does_not_match_is_refused() =>
        Assert.Throws<FormatException>(() => SignedNote.ParseVerifierKey(GoVerifierKey.Replace("c74f20a3", "c74f20a4", StringComparison.Ordinal)));

    [Fact]
    public void A_verifier_key_whose_base64_holds_a_plus_sign_reads_back()
    {
        var key = Enumerable.Range(0, 200).Select(i => new NoteKey("log.example", Enumerable.Repeat((byte)i, 32).ToArray()))
            .First(k => k.VerifierKey.Split('+', 3)[2].Contains('+', StringComparison.Ordinal));

        var (name, publicKey) = SignedNote.ParseVerifierKey(key.VerifierKey);

        Assert.Equal("log.example", name);
        Assert.Equal(key.PublicKey, publicKey);
    }

    [Fact]
    public void A_key_is_read_from_the_pem_openssl_writes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"note-key-{Guid.NewGuid():N}.pem");
        try
        {
            // PKCS#8 of the Go example's seed: the fixed prefix of an Ed25519 PrivateKeyInfo, then the 32 bytes.
            byte[] der = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, .. Convert.FromBase64String(GoSeed).AsSpan(1)];
            File.WriteAllText(path, PemEncoding.WriteString("PRIVATE KEY", der));

            Assert.Equal(GoVerifierKey, NoteKey.Load("PeterNeumann", path).VerifierKey);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
