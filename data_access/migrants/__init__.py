"""New residents (新拱墅人一码通): declarations from the public page, the community's review into the registers
of rental houses, landlords and migrants (with history), QR tokens, oversight and the register's export."""
