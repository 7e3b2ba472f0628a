"""Payment processors behind the PaymentProcessor and BankConnector ports."""
