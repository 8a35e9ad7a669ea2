using System.Globalization;

namespace ExchangeGateway.Backfill;

/// <summary>A made-up person of one generated file: names, identifiers unique to the file's index, date of birth.</summary>
public sealed record MadePerson(string Surname, string Forenames, string DateOfBirth, string Sex, string? Ethnicity, string NhsNumber, string PrisonNumber, string? PncId);

/// <summary>Makes the people of the backfill: every file a different person, so no two submissions narrow each other's consent.</summary>
public static class PersonMaker
{
    private static readonly string[] Surnames =
    [
        "Example", "Sample", "Walker", "Hughes", "Okafor", "Nowak", "Patel", "Murphy", "Clarke", "Mensah", "Kowalski", "Begum",
        "O'Neill", "Smith-Jones", "Ahmed", "Wright", "Evans", "Thompson", "Robinson", "Khan", "Lewis", "Doherty", "Price", "Bennett",
    ];

    private static readonly string[] MaleForenames = ["Jordan", "Alex", "Daniel", "Liam", "Kyle", "Mohammed", "Tomasz", "Connor", "Jamie Lee", "Ryan", "Dean", "Kwame"];

    private static readonly string[] FemaleForenames = ["Alex", "Jordan", "Chloe", "Aisha", "Kerry", "Zofia", "Leanne", "Niamh", "Sarah Jane", "Amira", "Gemma", "Abena"];

    private static readonly string[] Ethnicities = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z"];

    /// <summary>The person of file <paramref name="index"/>, born 18 to 70 years before <paramref name="today"/>.</summary>
    public static MadePerson Make(Random random, int index, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(random);
        var female = random.Next(5) == 0;
        var sex = random.Next(50) == 0 ? "unknown" : female ? "female" : "male";
        var forenames = (female ? FemaleForenames : MaleForenames)[random.Next(MaleForenames.Length)];
        var born = today.AddYears(-18 - random.Next(53)).AddDays(-random.Next(365));
        return new MadePerson(
            Surnames[random.Next(Surnames.Length)],
            forenames,
            born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            sex,
            random.Next(6) == 0 ? null : Ethnicities[random.Next(Ethnicities.Length)],
            NhsNumberFor(index),
            PrisonNumberFor(index),
            random.Next(3) == 0 ? null : $"{random.Next(90, 100)}/{random.Next(1, 999999)}{(char)('A' + random.Next(26))}");
    }

    /// <summary>
    /// A valid NHS number unique to the index: nine digits 900,000,000 + index × 10 + k with the modulus-11 check digit,
    /// k the first of 0 and 1 that has one (changing the ninth digit by one moves the sum by 2, so one of two does).
    /// </summary>
    public static string NhsNumberFor(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 9_999_999);
        for (var k = 0; ; k++)
        {
            var nine = (900_000_000 + ((long)index * 10) + k).ToString(CultureInfo.InvariantCulture);
            if (CheckDigit(nine) is { } check)
            {
                return nine + check.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>The modulus-11 check digit of nine digits, or null when they can have none (remainder 10).</summary>
    public static int? CheckDigit(string nine)
    {
        ArgumentNullException.ThrowIfNull(nine);
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nine[i] - '0') * (10 - i);
        }

        var check = 11 - (sum % 11);
        return check switch
        {
            11 => 0,
            10 => null,
            _ => check,
        };
    }

    /// <summary>A prison number (letter, four digits, two letters) unique to the index.</summary>
    public static string PrisonNumberFor(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var digits = index % 10_000;
        var rest = index / 10_000;
        var first = (char)('A' + (rest / 676 % 26));
        var second = (char)('A' + (rest / 26 % 26));
        var third = (char)('A' + (rest % 26));
        return $"{first}{digits:D4}{second}{third}";
    }
}
