namespace ExchangeGateway.Audit.Tests;

public sealed class PersonKeysTests
{
    [Fact]
    public void The_secret_is_made_once_as_32_random_bytes_readable_only_by_the_owner()
    {
        using var data = new TempFolder();

        var first = PersonKeys.LoadOrCreate(data.Path);
        var second = PersonKeys.LoadOrCreate(data.Path);

        var path = data.File("audit.key");
        Assert.Equal(32, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal(first.ForNhsNumber(Trail.NhsNumber), second.ForNhsNumber(Trail.NhsNumber));
        Assert.Single(Directory.EnumerateFiles(data.Path));
    }

    [Fact]
    public void Two_deployments_give_the_same_person_different_keys()
    {
        using var one = new TempFolder();
        using var two = new TempFolder();

        Assert.NotEqual(PersonKeys.LoadOrCreate(one.Path).ForNhsNumber(Trail.NhsNumber), PersonKeys.LoadOrCreate(two.Path).ForNhsNumber(Trail.NhsNumber));
    }

    [Fact]
    public void Keys_name_their_kind_and_never_contain_the_identifier()
    {
        var keys = new PersonKeys(new byte[32]);

        var nhs = keys.ForNhsNumber("943 476 5919");
        var prison = keys.ForPrisonNumber(" a1234bc ");

        Assert.Matches("^nhs:[0-9a-f]{64}$", nhs);
        Assert.Matches("^prison:[0-9a-f]{64}$", prison);
        Assert.Equal(keys.ForNhsNumber("9434765919"), nhs);
        Assert.Equal(keys.ForPrisonNumber("A1234BC"), prison);
        Assert.DoesNotContain("9434765919", nhs, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_digits_are_an_nhs_number_and_anything_else_a_prison_number()
    {
        var keys = new PersonKeys(new byte[32]);

        Assert.Equal(keys.ForNhsNumber(Trail.NhsNumber), keys.ForIdentifier(Trail.NhsNumber));
        Assert.Equal(keys.ForPrisonNumber(Trail.PrisonNumber), keys.ForIdentifier(Trail.PrisonNumber));
    }

    [Fact]
    public void An_nhs_number_with_a_wrong_check_digit_is_refused()
    {
        var keys = new PersonKeys(new byte[32]);

        Assert.Throws<ArgumentException>(() => keys.ForNhsNumber("9434765918"));
        Assert.Throws<ArgumentException>(() => keys.ForIdentifier("9434765918"));
    }

    [Fact]
    public void Loading_without_a_secret_never_makes_one()
    {
        using var data = new TempFolder();

        Assert.Throws<FileNotFoundException>(() => PersonKeys.Load(data.Path));
        Assert.Empty(Directory.EnumerateFiles(data.Path));
    }

    [Fact]
    public void A_secret_of_the_wrong_length_is_refused()
    {
        using var data = new TempFolder();
        File.WriteAllBytes(data.File("audit.key"), new byte[16]);

        Assert.Throws<InvalidDataException>(() => PersonKeys.Load(data.Path));
    }
}
