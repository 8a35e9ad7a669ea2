namespace ExchangeGateway.Domain;

/// <summary>The NHS number: ten digits, the last a modulus-11 check digit.</summary>
public static class NhsNumber
{
    /// <summary>True when the value is ten digits, the check digit is right and it is not a placeholder.</summary>
    public static bool IsValid(string value)
    {
        if (value.Length != 10 || !value.All(char.IsAsciiDigit) || IsPlaceholder(value))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (value[i] - '0') * (10 - i);
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        // A remainder giving 10 means no NHS number can have these first nine digits.
        return check != 10 && check == value[9] - '0';
    }

    /// <summary>
    /// True for one digit repeated ten times (0000000000, 9999999999): such numbers pass the modulus-11 check but
    /// are what a system types when it has no number.
    /// </summary>
    public static bool IsPlaceholder(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 10 && char.IsAsciiDigit(value[0]) && value.All(c => c == value[0]);
    }
}
