using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public class NhsNumberTests
{
    [Theory]
    [InlineData("9434765919")]
    [InlineData("4010232137")]
    [InlineData("9000000009")]
    public void A_number_with_the_right_check_digit_is_valid(string value) => Assert.True(NhsNumber.IsValid(value));

    [Theory]
    [InlineData("9434765918", "wrong check digit")]
    [InlineData("4010232138", "wrong check digit")]
    [InlineData("943476591", "nine digits")]
    [InlineData("94347659190", "eleven digits")]
    [InlineData("94347659A9", "a letter")]
    [InlineData("0000000060", "check digit would be 10")]
    public void A_number_that_fails_the_modulus_11_check_is_invalid(string value, string why) => Assert.False(NhsNumber.IsValid(value), why);
}
