namespace ExchangeGateway.Domain;

/// <summary>The NHS number: ten digits, the last a modulus-11 check digit.</summary>
public static class NhsNumber
{
    /// <summary>True when the value is ten digits and the check digit is right.</summary>
    public static bool IsValid(string value)
    {
        if (value.Length != 10 || !value.All(char.IsAsciiDigit))
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
}
