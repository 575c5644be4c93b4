"""Policies (民生直达 and 亲清在线): catalogue, eligibility rules in SQL, applications, payments, oversight."""
