select 'a''b''c''' as v
